// Setup through the real API, for tests that need queues, agents or many conversations.
import { randomBytes, randomUUID } from 'node:crypto'
import { request, type APIRequestContext } from '@playwright/test'
import { ADMIN } from './helpers'

export const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 8181}`

export async function apiAs(username = ADMIN.username, password = ADMIN.password): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL: BASE })
  const res = await ctx.post('/api/auth/login', { data: { username, password } })
  if (!res.ok()) throw new Error(`login ${username}: ${res.status()} ${await res.text()}`)
  return ctx
}

export async function createAgent(admin: APIRequestContext, username: string, opts: { queueIds?: string[]; maxConcurrent?: number; role?: 'agent' | 'admin' } = {}) {
  const res = await admin.post('/api/admin/users', {
    data: { username, displayName: username[0]!.toUpperCase() + username.slice(1), role: opts.role ?? 'agent', password: 'agent-pass-1', maxConcurrent: opts.maxConcurrent ?? 5, queueIds: opts.queueIds ?? [] },
  })
  if (!res.ok()) throw new Error(`create agent: ${res.status()} ${await res.text()}`)
  return (await res.json()).user as { id: string; username: string; displayName: string }
}

export async function queueByAddress(admin: APIRequestContext, address: string) {
  const queues = (await (await admin.get('/api/admin/queues')).json()).queues as { id: string; address: string; memberIds: string[] }[]
  return queues.find((q) => q.address === address)
}

export async function createQueue(admin: APIRequestContext, name: string, address: string, routingMode: 'picklist' | 'offer', memberIds: string[]) {
  const res = await admin.post('/api/admin/queues', { data: { name, address, routingMode, memberIds } })
  if (!res.ok()) throw new Error(`create queue: ${res.status()} ${await res.text()}`)
  return (await res.json()).queue as { id: string }
}

/** A chat started through the API; `deviceKey` is the chat page's browser key (chats with one key are one customer's history). */
export async function apiChat(name: string, opts: { address?: string; email?: string; phone?: string; deviceKey?: string } = {}) {
  const ctx = await request.newContext({ baseURL: BASE })
  const res = await ctx.post(`/api/public/queues/${opts.address ?? 'support'}/conversations`, {
    data: { name, ...(opts.email ? { email: opts.email } : {}), ...(opts.phone ? { phone: opts.phone } : {}), ...(opts.deviceKey ? { deviceKey: opts.deviceKey } : {}) },
  })
  if (!res.ok()) throw new Error(`start chat: ${res.status()} ${await res.text()}`)
  const body = await res.json()
  const token = body.token as string
  return {
    id: body.conversation.id as string,
    token,
    async say(text: string) {
      const r = await ctx.post('/api/public/conversation/messages', { headers: { authorization: `Bearer ${token}` }, data: { clientId: randomUUID(), text } })
      if (!r.ok()) throw new Error(`say: ${r.status()} ${await r.text()}`)
    },
  }
}

/** A device key as the chat page makes one (32 random bytes, base64url). */
export const newDeviceKey = () => randomBytes(32).toString('base64url')

export const uid = () => Math.random().toString(36).slice(2, 7)
