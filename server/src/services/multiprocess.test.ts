// Two real server processes on one PostgreSQL database: realtime crosses them through
// LISTEN/NOTIFY and routing stays correct. Runs when TEST_DATABASE_URL is set.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, signIn, startChat, TestSocket } from '../test/helpers.js'

const pgUrl = process.env.TEST_DATABASE_URL
const PASSWORD = 'two-proc-admin'

async function startProcess(databaseUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: {
      ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ADMIN_PASSWORD: PASSWORD,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-mp-')), STATIC_DIR: '', LOG_LEVEL: 'warn', OFFER_SECONDS: '30',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d) => { out += String(d) })
  child.stderr?.on('data', (d) => { out += String(d) })
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`)
      if (res.ok) return child
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200))
  }
  child.kill('SIGKILL')
  throw new Error(`server did not start: ${out}`)
}

describe.skipIf(!pgUrl)('two server processes on one PostgreSQL', () => {
  const schema = `mp_${randomUUID().replace(/-/g, '')}`
  let a: ChildProcess, b: ChildProcess
  const urlA = 'http://127.0.0.1:18731'
  const urlB = 'http://127.0.0.1:18732'

  beforeAll(async () => {
    const c = new pg.Client({ connectionString: pgUrl })
    await c.connect()
    await c.query(`create schema ${schema}`)
    await c.end()
    const u = new URL(pgUrl!)
    u.searchParams.set('options', `-c search_path=${schema}`)
    // Started together on an empty database: migrations and first-start setup must not collide.
    ;[a, b] = await Promise.all([startProcess(u.toString(), 18731), startProcess(u.toString(), 18732)])
  }, 60_000)

  afterAll(async () => {
    a?.kill('SIGKILL')
    b?.kill('SIGKILL')
    const c = new pg.Client({ connectionString: pgUrl })
    await c.connect()
    await c.query(`drop schema ${schema} cascade`)
    await c.end()
  })

  it('messages, picks, offers and typing flow both ways; killing a process loses nothing acknowledged', async () => {
    const agentA = await signIn(urlA, 'admin', PASSWORD)
    const agentSock = await TestSocket.open(urlA, {}, agentA.cookie)
    await agentSock.until((f) => f.type === 'ready')

    // Customer on B, agent on A.
    const chat = await startChat(urlB, 'support', 'Cross Process')
    const custSock = await TestSocket.open(urlB, { token: chat.token })
    await custSock.until((f) => f.type === 'ready')
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'from B' })
    await agentSock.until((f) => f.type === 'event' && f.event.type === 'message.created' && 'message' in f.event.data && f.event.data.message.text === 'from B')

    // Two agents on different processes race to pick: exactly one wins.
    const created = await agentA.req('POST', '/api/admin/users', { username: 'bea', displayName: 'Bea', role: 'agent', password: 'long-enough-1' })
    const support = (await agentA.req('GET', '/api/admin/queues')).body.queues.find((q: any) => q.address === 'support')
    await agentA.req('PATCH', `/api/admin/queues/${support.id}`, { memberIds: [...support.memberIds, created.body.user.id] })
    const agentB = await signIn(urlB, 'bea', 'long-enough-1')
    const [p1, p2] = await Promise.all([agentA.req('POST', `/api/conversations/${chat.id}/pick`), agentB.req('POST', `/api/conversations/${chat.id}/pick`)])
    expect([p1.status, p2.status].sort()).toEqual([200, 409])
    const [owner, ownerSock] = p1.status === 200 ? [agentA, agentSock] : [agentB, await TestSocket.open(urlB, {}, agentB.cookie)]

    const reply = await owner.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'reply across' })
    expect(reply.status).toBe(201)
    await custSock.until((f) => f.type === 'event' && f.event.type === 'message.created' && 'message' in f.event.data && f.event.data.message.text === 'reply across')

    // Typing both ways.
    await ownerSock.until((f) => f.type === 'ready')
    custSock.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id }))
    await ownerSock.until((f) => f.type === 'typing' && f.who === 'customer')
    ownerSock.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id }))
    await custSock.until((f) => f.type === 'typing' && f.who === 'agent')

    // Offers decided on B reach the agent's socket on A.
    const q = await agentA.req('POST', '/api/admin/queues', { name: 'Offers', address: 'offers', routingMode: 'offer', memberIds: [(await agentA.req('GET', '/api/auth/me')).body.user.id] })
    expect(q.status).toBe(201)
    await new Promise((r) => setTimeout(r, 200))
    const offered = await startChat(urlB, 'offers', 'Offer Me')
    await agentSock.until((f) => f.type === 'event' && f.event.conversationId === offered.id && 'conversation' in f.event.data && f.event.data.conversation.state === 'offered')
    expect((await agentA.req('POST', `/api/conversations/${offered.id}/accept`)).status).toBe(200)

    // Kill A without warning: everything it acknowledged is still there, served by B.
    const acked = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'last words' })
    expect(acked.status).toBe(201)
    a.kill('SIGKILL')
    const viaB = await new Client(urlB, chat.token).req('GET', '/api/public/conversation')
    expect(viaB.body.messages.map((m: any) => m.text)).toEqual(expect.arrayContaining(['from B', 'reply across', 'last words']))
    agentSock.close()
    custSock.close()
    ownerSock.close()
  }, 60_000)
})
