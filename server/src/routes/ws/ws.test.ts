import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { ServerEvent } from '../../api-types.js'
import { latestEventId } from '../../db/repositories/events.js'
import { createAgent, createQueue, signIn, startChat, TestSocket, type Client, type TestServer, withServer } from '../../test/helpers.js'

const isReady = (f: { type: string }) => f.type === 'ready'
const messageTexts = (events: ServerEvent[]) =>
  events.flatMap((e) => (e.type === 'message.created' && 'message' in e.data ? [e.data.message.text] : []))

describe('realtime socket', () => {
  let s: TestServer, admin: Client
  withServer((server, signedIn) => { s = server; admin = signedIn })

  it('refuses a socket without a session or token', async () => {
    const sock = await TestSocket.open(s.url, {})
    const f = await sock.until((x) => x.type === 'error')
    expect(f).toMatchObject({ type: 'error', error: { code: 'unauthorized' } })
  })

  it('delivers live events to the agent and the customer', async () => {
    const chat = await startChat(s.url)
    const agentSock = await TestSocket.open(s.url, {}, admin.cookie)
    const custSock = await TestSocket.open(s.url, { token: chat.token })
    await agentSock.until(isReady)
    await custSock.until(isReady)

    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Hello' })
    await agentSock.until((f) => f.type === 'event' && messageTexts([f.event]).includes('Hello'))
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'Hi! 😊' })
    await custSock.until((f) => f.type === 'event' && messageTexts([f.event]).includes('Hi! 😊'))

    // The customer gets the public shape of the conversation only.
    const upd = custSock.events().find((e) => e.type === 'conversation.updated')
    expect(upd && 'conversation' in upd.data && Object.keys(upd.data.conversation).sort()).toEqual(
      ['agentDeliveredSeq', 'agentName', 'agentReadSeq', 'arrivedAt', 'customerName', 'endedAt', 'id', 'queueName', 'rating', 'state'],
    )
    // Typing goes to the other side, not back to the sender.
    custSock.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id }))
    await agentSock.until((f) => f.type === 'typing' && f.conversationId === chat.id && f.who === 'customer')
    agentSock.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id }))
    await custSock.until((f) => f.type === 'typing' && f.who === 'agent')
    expect(custSock.frames.filter((f) => f.type === 'typing' && f.who === 'customer')).toHaveLength(0)
    agentSock.close()
    custSock.close()
  })

  it('a reconnect with a cursor replays the missed events exactly once, in order', async () => {
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    const first = await TestSocket.open(s.url, {}, admin.cookie)
    const ready = await first.until(isReady)
    const cursor = ready.type === 'ready' ? ready.cursor : -1
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'seen live' })
    await first.until((f) => f.type === 'event' && messageTexts([f.event]).includes('seen live'))
    const lastSeen = first.events().at(-1)!.id
    first.close()

    // While disconnected: three messages, and one repeated send that must not become an event.
    const again = randomUUID()
    for (const text of ['missed 1', 'missed 2']) await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text })
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: again, text: 'missed 3' })
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: again, text: 'missed 3' })

    const second = await TestSocket.open(s.url, { cursor: lastSeen }, admin.cookie)
    await second.until(isReady)
    // Live events after ready continue from where the replay stopped.
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'live again' })
    await second.until((f) => f.type === 'event' && messageTexts([f.event]).includes('live again'))

    const texts = messageTexts(second.events().filter((e) => e.conversationId === chat.id))
    expect(texts).toEqual(['missed 1', 'missed 2', 'missed 3', 'live again'])
    const ids = second.events().map((e) => e.id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids[0]).toBeGreaterThan(lastSeen)
    expect(cursor).toBeLessThan(lastSeen)
    second.close()
  })

  it('replays to a customer only its own public events', async () => {
    const a = await startChat(s.url, 'support', 'Alice')
    const b = await startChat(s.url, 'support', 'Bob')
    const sock = await TestSocket.open(s.url, { cursor: 0, token: a.token })
    await b.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'from Bob' })
    await a.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'from Alice' })
    await sock.until((f) => f.type === 'event' && messageTexts([f.event]).includes('from Alice'))
    expect(sock.events().every((e) => e.conversationId === a.id)).toBe(true)
    expect(sock.events().some((e) => e.type === 'conversation.created' || e.type === 'receipts.updated')).toBe(false)
    sock.close()
  })

  it('an agent outside the queue receives none of its events, live or replayed', async () => {
    await createQueue(s, 'sales', 'Sales')
    await createAgent(s, 'seller', { queues: ['sales'] })
    const seller = await signIn(s.url, 'seller', 'secret-pass')
    const sock = await TestSocket.open(s.url, { cursor: 0 }, seller.cookie)
    await sock.until(isReady)
    const chat = await startChat(s.url, 'support')
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'support only' })
    const salesChat = await startChat(s.url, 'sales')
    await sock.until((f) => f.type === 'event' && f.event.conversationId === salesChat.id)
    expect(sock.events().every((e) => e.conversationId === salesChat.id)).toBe(true)
    sock.close()
  })

  it('tells a client whose cursor is ahead of the log to reload', async () => {
    // Above the newest event's place (on PostgreSQL places are transaction id × 4096, so no fixed number will do).
    const newest = await latestEventId(s.ctx.db, s.ctx.kind)
    const sock = await TestSocket.open(s.url, { cursor: newest + 10_000_000 }, admin.cookie)
    expect(await sock.until(isReady)).toMatchObject({ type: 'ready', reset: true })
    sock.close()
  })

  it('sends the file rules as they are with ready, so a change made before the socket subscribed is not missed', async () => {
    const rules = { allowedTypes: ['png', 'jpg'], maxBytes: 123_456, videoRecording: true, maxVideoSeconds: 7 }
    expect((await admin.req('PUT', '/api/admin/settings/files', rules)).status).toBe(200)
    const sock = await TestSocket.open(s.url, {}, admin.cookie)
    await sock.until(isReady)
    const settings = sock.frames.find((f) => f.type === 'settings')
    expect(settings).toMatchObject({ type: 'settings', files: { maxBytes: 123_456, maxVideoSeconds: 7 } })
    // Before ready: the app has the current rules by the time it counts itself connected.
    expect(sock.frames.findIndex((f) => f.type === 'settings')).toBeLessThan(sock.frames.findIndex(isReady))
    sock.close()
  })

  it('sends a file-rule change to every open socket, agent and customer, read once for all', async () => {
    const chat = await startChat(s.url)
    const agent = await TestSocket.open(s.url, {}, admin.cookie)
    const customer = await TestSocket.open(s.url, { token: chat.token })
    await Promise.all([agent.until(isReady), customer.until(isReady)])
    const rules = { allowedTypes: ['png'], maxBytes: 654_321, videoRecording: false, maxVideoSeconds: 9 }
    expect((await admin.req('PUT', '/api/admin/settings/files', rules)).status).toBe(200)
    for (const sock of [agent, customer]) {
      expect(await sock.until((f) => f.type === 'settings' && f.files.maxBytes === 654_321)).toMatchObject({ files: { videoRecording: false } })
      sock.close()
    }
  })
})
