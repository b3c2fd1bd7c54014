import { describe, expect, it } from 'vitest'
import { handleNotificationClick, type AppWindow, type ClickEnv } from './clicks'

const ORIGIN = 'https://parley.example'

function fakeWindow(url: string, opts: { focused?: boolean; answers?: boolean; controlled?: boolean } = {}) {
  const w = {
    url,
    focused: opts.focused ?? false,
    visibilityState: 'visible' as DocumentVisibilityState,
    focusedCalls: 0,
    navigatedTo: null as string | null,
    messages: [] as unknown[],
    async focus() {
      w.focusedCalls++
    },
    async navigate(to: string) {
      if (opts.controlled === false) throw new TypeError('not controlled')
      w.navigatedTo = to
    },
    postMessage(message: unknown, transfer: Transferable[]) {
      w.messages.push(message)
      if (opts.answers) (transfer[0] as MessagePort).postMessage('ok')
    },
  }
  return w
}

function fakeEnv(windows: AppWindow[], answer: { ok: boolean; status: number; body?: unknown } = { ok: true, status: 200 }) {
  const calls = { fetched: [] as { url: string; init: RequestInit }[], opened: [] as string[], shown: [] as { title: string; options: NotificationOptions }[] }
  const env: ClickEnv = {
    origin: ORIGIN,
    ackTimeoutMs: 30,
    matchWindows: async () => windows,
    openWindow: async (url) => {
      calls.opened.push(url)
    },
    fetch: async (url, init) => {
      calls.fetched.push({ url, init })
      return { ok: answer.ok, status: answer.status, json: async () => answer.body ?? {} }
    },
    showNotification: async (title, options) => {
      calls.shown.push({ title, options })
    },
  }
  return { env, calls }
}

const message = { conversationId: 'c1', kind: 'message', count: 2, url: '/conversations/c1' }
const offer = { conversationId: 'c7', kind: 'offer', count: 1, url: '/conversations/c7' }

describe('notificationclick', () => {
  it('a click focuses the open Parley window and lets the app route itself', async () => {
    const list = fakeWindow(`${ORIGIN}/conversations`, { answers: true })
    const { env, calls } = fakeEnv([list])
    await handleNotificationClick(env, '', message)
    expect(list.focusedCalls).toBe(1)
    expect(list.messages).toEqual([{ type: 'open-conversation', conversationId: 'c1', url: '/conversations/c1' }])
    expect(list.navigatedTo).toBeNull()
    expect(calls.opened).toEqual([])
  })

  it('navigates the window when the app does not answer, prefers the focused one, skips customer pages', async () => {
    const customer = fakeWindow(`${ORIGIN}/chat/support`, { focused: true })
    const other = fakeWindow(`${ORIGIN}/history`)
    const focused = fakeWindow(`${ORIGIN}/picklist`, { focused: true })
    const { env } = fakeEnv([customer, other, focused])
    await handleNotificationClick(env, '', message)
    expect(focused.navigatedTo).toBe(`${ORIGIN}/conversations/c1`)
    expect(other.navigatedTo).toBeNull()
    expect(customer.messages).toEqual([])
  })

  it('opens a window at the conversation when none is open (or the open one cannot be navigated)', async () => {
    const none = fakeEnv([])
    await handleNotificationClick(none.env, '', message)
    expect(none.calls.opened).toEqual([`${ORIGIN}/conversations/c1`])
    const stuck = fakeEnv([fakeWindow(`${ORIGIN}/conversations`, { controlled: false })])
    await handleNotificationClick(stuck.env, '', message)
    expect(stuck.calls.opened).toEqual([`${ORIGIN}/conversations/c1`])
  })

  it('Accept picks the offer with the session cookie, then opens the conversation', async () => {
    const { env, calls } = fakeEnv([])
    await handleNotificationClick(env, 'accept', offer)
    expect(calls.fetched).toEqual([{ url: '/api/conversations/c7/accept', init: expect.objectContaining({ method: 'POST', credentials: 'include' }) }])
    // Every state-changing request is JSON (the server refuses other content types).
    expect(new Headers(calls.fetched[0]!.init.headers).get('content-type')).toBe('application/json')
    expect(calls.fetched[0]!.init.body).toBe('{}')
    expect(calls.opened).toEqual([`${ORIGIN}/conversations/c7`])
  })

  it('Accept that comes too late says so and opens the list', async () => {
    const { env, calls } = fakeEnv([], { ok: false, status: 409, body: { error: { code: 'conflict', message: 'The offer has expired' } } })
    await handleNotificationClick(env, 'accept', offer)
    expect(calls.shown).toMatchObject([{ title: "Couldn't accept the chat", options: { body: 'The offer has expired' } }])
    expect(calls.opened).toEqual([`${ORIGIN}/conversations`])
  })

  it('Reject declines without opening anything', async () => {
    const { env, calls } = fakeEnv([fakeWindow(`${ORIGIN}/conversations`)])
    await handleNotificationClick(env, 'reject', offer)
    expect(calls.fetched.map((f) => [f.url, f.init.method, f.init.credentials])).toEqual([['/api/conversations/c7/reject', 'POST', 'include']])
    expect(calls.opened).toEqual([])
  })

  it('a plain click on an offer (no actions on this platform) opens the conversation', async () => {
    const { env, calls } = fakeEnv([])
    await handleNotificationClick(env, '', offer)
    expect(calls.fetched).toEqual([])
    expect(calls.opened).toEqual([`${ORIGIN}/conversations/c7`])
  })
})
