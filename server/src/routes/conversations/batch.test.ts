// Issue 12, point 4: the outbox sends what was queued offline as batches. Each item is the single
// send (same rules, same idempotency per clientId); the batch stops at the first refused item and
// says which prefix was stored.
import { randomUUID } from 'node:crypto'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { ServerEvent, ServerFrame } from '../../api-types.js'
import { fileForm, pickedChat, signedInAgent, startChat, TestSocket, type Client, type TestServer, withServer } from '../../test/helpers.js'

const item = (text: string, extra: Record<string, unknown> = {}) => ({ clientId: randomUUID(), text, ...extra })

describe('batch send', () => {
  let s: TestServer
  let admin: Client
  let sam: Client
  withServer(async (server, signedIn) => {
    s = server; admin = signedIn
    sam = await signedInAgent(s, 'sam-batch', ['support'])
  })
  const rowsOf = async (conversationId: string) =>
    (await s.ctx.db.selectFrom('messages').select(['text', 'client_id']).where('conversation_id', '=', conversationId).where('author_kind', '!=', 'system').orderBy('seq').execute())

  it('an agent batch is stored in order; repeated (whole or overlapping) nothing is stored twice', async () => {
    const chat = await pickedChat(s, admin)
    const messages = [item('one'), item('two'), item('three')]
    const first = await admin.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages })
    expect(first.status).toBe(200)
    expect(first.body.failed).toBeUndefined()
    expect(first.body.stored.map((m: { text: string }) => m.text)).toEqual(['one', 'two', 'three'])
    expect(first.body.stored.map((m: { clientId: string }) => m.clientId)).toEqual(messages.map((m) => m.clientId))

    const again = await admin.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages })
    expect(again.status).toBe(200)
    expect(again.body.stored).toEqual(first.body.stored)
    // A retry after a lost answer carries the old items and a new one.
    const more = await admin.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages: [...messages.slice(1), item('four')] })
    expect(more.body.stored.map((m: { text: string }) => m.text)).toEqual(['two', 'three', 'four'])
    // Two copies racing each other.
    await Promise.all([1, 2].map(() => admin.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages })))
    expect((await rowsOf(chat.id)).map((r) => r.text)).toEqual(['one', 'two', 'three', 'four'])
  })

  it('a customer batch is stored in order, once, and reaches the agent side', async () => {
    const chat = await startChat(s.url)
    const messages = [item('hello'), item('are you there?')]
    const first = await chat.customer.req('POST', '/api/public/conversation/messages/batch', { messages })
    expect(first.status).toBe(200)
    expect(first.body.stored.map((m: { text: string }) => m.text)).toEqual(['hello', 'are you there?'])
    const again = await chat.customer.req('POST', '/api/public/conversation/messages/batch', { messages })
    expect(again.body.stored.map((m: { id: string }) => m.id)).toEqual(first.body.stored.map((m: { id: string }) => m.id))
    expect((await rowsOf(chat.id)).map((r) => r.text)).toEqual(['hello', 'are you there?'])
    const seen = await admin.req('GET', `/api/conversations/${chat.id}/messages`)
    expect(seen.body.messages.map((m: { text: string }) => m.text)).toEqual(['hello', 'are you there?'])
  })

  it('a failure halfway: the prefix stays stored and is reported with the failed item; the rest is not tried', async () => {
    const chat = await pickedChat(s, admin)
    // An attachment id that is not this agent's upload: the single send refuses it with 404.
    const messages = [item('kept 1'), item('kept 2'), item('bad file', { attachmentIds: [randomUUID()] }), item('never tried')]
    const res = await admin.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages })
    expect(res.status).toBe(200)
    expect(res.body.stored.map((m: { text: string }) => m.text)).toEqual(['kept 1', 'kept 2'])
    expect(res.body.failed).toEqual({ clientId: messages[2]!.clientId, index: 2, status: 404, error: { code: 'not_found', message: 'Attachment not found' } })
    expect((await rowsOf(chat.id)).map((r) => r.text)).toEqual(['kept 1', 'kept 2'])

    // An attachment the agent did upload to this chat goes through, as in the single send.
    const up = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, fileForm(await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } }).png().toBuffer(), 'a.png'))
    expect(up.status).toBe(201)
    const withFile = await admin.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages: [item('', { attachmentIds: [up.body.attachment.id] })] })
    expect(withFile.body.stored[0].attachments.map((a: { id: string }) => a.id)).toEqual([up.body.attachment.id])
  })

  it('a refused item leaves no trace, in the thread or the event stream; receipts end where single sends leave them', async () => {
    const chat = await pickedChat(s, admin)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'a question' })
    const live = await TestSocket.open(s.url, { token: chat.token })
    await live.until((f) => f.type === 'ready')
    const messages = [item('answer 1'), item('answer 2'), item('bad file', { attachmentIds: [randomUUID()] }), item('never tried')]
    const res = await admin.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages })
    expect(res.body.stored.map((m: { text: string }) => m.text)).toEqual(['answer 1', 'answer 2'])
    expect(res.body.failed).toMatchObject({ index: 2, status: 404 })
    const lastSeq = res.body.stored[1].seq as number
    // The agent has read what came before their last message, as after two single sends.
    const isReceipt = (f: ServerFrame) => f.type === 'event' && f.event.type === 'agentReceipts.updated' && f.event.data.agentReadSeq === lastSeq - 1
    await live.until(isReceipt)
    expect((await chat.customer.req('GET', '/api/public/conversation')).body.conversation).toMatchObject({ agentReadSeq: lastSeq - 1 })
    const texts = (events: ServerEvent[]) => events.flatMap((e) => (e.type === 'message.created' ? [e.data.message.text] : []))
    await live.until((f) => f.type === 'event' && f.event.type === 'message.created' && f.event.data.message.text === 'answer 2')
    expect(texts(live.events())).toEqual(['answer 1', 'answer 2'])
    // A replay of the whole log says the same.
    const replay = await TestSocket.open(s.url, { cursor: 0 }, admin.cookie)
    await replay.until((f) => f.type === 'ready')
    expect(texts(replay.events().filter((e) => e.conversationId === chat.id)).slice(-3)).toEqual(['a question', 'answer 1', 'answer 2'])
    expect(await rowsOf(chat.id)).toEqual([{ text: 'a question', client_id: expect.any(String) }, ...messages.slice(0, 2).map((m) => ({ text: m.text, client_id: m.clientId }))])
    live.close()
    replay.close()
  })

  it('409 inside the answer: the chat ended halfway, or the agent does not own it', async () => {
    const chat = await pickedChat(s, admin)
    const stored = await admin.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages: [item('before the end')] })
    expect(stored.body.stored).toHaveLength(1)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/end`)).status).toBe(200)
    const late = [item('after the end'), item('also after')]
    const res = await admin.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages: late })
    expect(res.status).toBe(200)
    expect(res.body.stored).toEqual([])
    expect(res.body.failed).toMatchObject({ clientId: late[0]!.clientId, index: 0, status: 409, error: { code: 'conversation_ended' } })
    const customer = await chat.customer.req('POST', '/api/public/conversation/messages/batch', { messages: [item('customer late')] })
    expect(customer.body.failed).toMatchObject({ index: 0, status: 409, error: { code: 'conversation_ended' } })

    // Sam sees the queue but did not pick this one.
    const other = await pickedChat(s, admin)
    const notMine = await sam.req('POST', `/api/conversations/${other.id}/messages/batch`, { messages: [item('not mine')] })
    expect(notMine.body.failed).toMatchObject({ index: 0, status: 409, error: { code: 'not_owner' } })
    expect(await rowsOf(other.id)).toEqual([])
  })

  it('404 for a conversation the agent may not see or that does not exist; nothing stored', async () => {
    const billing = await signedInAgent(s, 'bill-batch', [])
    const chat = await pickedChat(s, admin)
    expect((await billing.req('POST', `/api/conversations/${chat.id}/messages/batch`, { messages: [item('x')] })).status).toBe(404)
    expect((await admin.req('POST', `/api/conversations/${randomUUID()}/messages/batch`, { messages: [item('x')] })).status).toBe(404)
    expect((await new (chat.customer.constructor as new (u: string, t?: string) => Client)(s.url, 'not-a-token').req('POST', '/api/public/conversation/messages/batch', { messages: [item('x')] })).status).toBe(401)
    expect(await rowsOf(chat.id)).toEqual([])
  })

  it('400 for a body outside the schema or the send rules; nothing stored', async () => {
    const chat = await pickedChat(s, admin)
    const url = `/api/conversations/${chat.id}/messages/batch`
    const same = item('twice')
    const bad = [
      {},
      { messages: [] },
      { messages: Array.from({ length: 51 }, () => item('many')) },
      { messages: [item('ok'), { clientId: 'not-a-uuid', text: 'x' }] },
      { messages: [item('ok'), item('x'.repeat(4001))] },
      { messages: [item('ok'), item('   ')] },
      { messages: [same, same] },
      { messages: [item('ok')], extra: 1 },
    ]
    for (const body of bad) {
      const res = await admin.req('POST', url, body)
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(res.body.error.code).toBe('bad_request')
      const customer = await chat.customer.req('POST', '/api/public/conversation/messages/batch', body)
      expect(customer.status).toBe(400)
    }
    expect(await rowsOf(chat.id)).toEqual([])
  })
})
