import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createAgent, createQueue, signIn, startChat, type Client, type TestServer, withServer } from '../../test/helpers.js'

describe('conversations', () => {
  let s: TestServer, admin: Client
  withServer((server, signedIn) => { s = server; admin = signedIn })

  it('a new chat shows in the Picklist of its queue, and pick moves it to Conversations', async () => {
    const chat = await startChat(s.url, 'support', 'Pia Picklist')
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Hello' })

    const pick = await admin.req('GET', '/api/conversations?view=picklist')
    const row = pick.body.conversations.find((c: { id: string }) => c.id === chat.id)
    expect(row).toMatchObject({ state: 'queued', customer: { name: 'Pia Picklist' }, queue: { address: 'support' }, lastMessage: { text: 'Hello' }, unread: 1 })

    const picked = await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    expect(picked.status).toBe(200)
    expect(picked.body.conversation).toMatchObject({ state: 'picked', agentName: 'Admin' })
    const mine = await admin.req('GET', '/api/conversations?view=conversations')
    expect(mine.body.conversations.map((c: { id: string }) => c.id)).toContain(chat.id)
    const after = await admin.req('GET', '/api/conversations?view=picklist')
    expect(after.body.conversations.map((c: { id: string }) => c.id)).not.toContain(chat.id)

    // The customer sees the agent's name and the join notice.
    const pub = await chat.customer.req('GET', '/api/public/conversation')
    expect(pub.body.conversation).toMatchObject({ state: 'picked', agentName: 'Admin' })
    expect(pub.body.messages.map((m: { text: string }) => m.text)).toEqual(['Hello', '\u2068Admin\u2069 joined the chat'])
  })

  it('a repeated client id creates one message and answers with the same id and seq', async () => {
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    const clientId = randomUUID()
    const first = await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId, text: 'Hi! 😊' })
    const again = await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId, text: 'Hi! 😊' })
    expect(first.status).toBe(201)
    expect(again.status).toBe(200)
    expect(again.body.message).toEqual(first.body.message)
    // Concurrent retries of the same id: still one row.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId, text: 'Hi! 😊' })),
    )
    expect(new Set(racing.map((r) => r.body.message.id))).toEqual(new Set([first.body.message.id]))
    const rows = await s.ctx.db.selectFrom('messages').select('id').where('client_id', '=', clientId).execute()
    expect(rows).toHaveLength(1)

    // The customer's sends are idempotent too.
    const cid = randomUUID()
    const a = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: cid, text: 'one' })
    const b = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: cid, text: 'one' })
    expect([a.status, b.status]).toEqual([201, 200])
    expect(b.body.message.seq).toBe(a.body.message.seq)
  })

  it('seq numbers increase by one per message in a conversation', async () => {
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: `m${i}` })),
    )
    const seqs = sent.map((r) => r.body.message.seq).sort((x, y) => x - y)
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => seqs[0] + i))
  })

  it('an agent outside the queue gets 404 for its conversations, even to write or pick', async () => {
    await createQueue(s, 'billing', 'Billing')
    await createAgent(s, 'outsider', { queues: ['billing'] })
    const outsider = await signIn(s.url, 'outsider', 'secret-pass')
    const chat = await startChat(s.url, 'support')
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'secret' })

    for (const [method, path, body] of [
      ['GET', `/api/conversations/${chat.id}`],
      ['GET', `/api/conversations/${chat.id}/messages`],
      ['POST', `/api/conversations/${chat.id}/pick`],
      ['POST', `/api/conversations/${chat.id}/end`],
      ['POST', `/api/conversations/${chat.id}/read`, { seq: 1 }],
      ['POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'x' }],
    ] as const) {
      const res = await outsider.req(method, path, body)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.body.error.code).toBe('not_found')
    }
    const list = await outsider.req('GET', '/api/conversations?view=picklist')
    expect(list.body.conversations.map((c: { id: string }) => c.id)).not.toContain(chat.id)
  })

  it('two agents racing to pick: exactly one wins, the other gets 409 already_picked', async () => {
    await createAgent(s, 'racer', { queues: ['support'] })
    const racer = await signIn(s.url, 'racer', 'secret-pass')
    const chat = await startChat(s.url)
    const [a, b] = await Promise.all([admin.req('POST', `/api/conversations/${chat.id}/pick`), racer.req('POST', `/api/conversations/${chat.id}/pick`)])
    const statuses = [a.status, b.status].sort()
    expect(statuses).toEqual([200, 409])
    const loser = a.status === 409 ? a : b
    expect(loser.body.error.code).toBe('already_picked')
    const row = await s.ctx.db.selectFrom('conversations').select(['agent_id', 'state']).where('id', '=', chat.id).executeTakeFirstOrThrow()
    expect(row.state).toBe('picked')
  })

  it('only the owner writes and ends; ending moves the chat to History and tells the customer', async () => {
    await createAgent(s, 'other', { queues: ['support'] })
    const other = await signIn(s.url, 'other', 'secret-pass')
    const chat = await startChat(s.url)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'too early' })).body.error.code).toBe('not_owner')
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    expect((await other.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'x' })).status).toBe(409)
    expect((await other.req('POST', `/api/conversations/${chat.id}/end`)).status).toBe(409)

    const ended = await admin.req('POST', `/api/conversations/${chat.id}/end`)
    expect(ended.body.conversation.state).toBe('ended')
    expect(ended.body.conversation.endedAt).toBeTypeOf('number')
    const history = await admin.req('GET', '/api/conversations?view=history')
    expect(history.body.conversations[0].id).toBe(chat.id)
    // Ending again (a retried End from the outbox) answers done; anyone else still gets 409.
    const again = await admin.req('POST', `/api/conversations/${chat.id}/end`)
    expect(again.status).toBe(200)
    expect(again.body.conversation).toMatchObject({ state: 'ended', endedAt: ended.body.conversation.endedAt })
    expect((await other.req('POST', `/api/conversations/${chat.id}/end`)).body.error.code).toBe('conversation_ended')

    const pub = await chat.customer.req('GET', '/api/public/conversation')
    expect(pub.body.conversation.state).toBe('ended')
    expect(pub.body.messages.at(-1).text).toBe('Chat ended by \u2068Admin\u2069')
    const late = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'hello?' })
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('conversation_ended')
  })

  it('unread counts customer messages after the read marker, and the marker never goes back', async () => {
    const chat = await startChat(s.url)
    for (const t of ['a', 'b', 'c']) await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: t })
    const get = async () => (await admin.req('GET', `/api/conversations/${chat.id}`)).body.conversation.unread
    expect(await get()).toBe(3)
    await admin.req('POST', `/api/conversations/${chat.id}/read`, { seq: 2 })
    expect(await get()).toBe(1)
    await admin.req('POST', `/api/conversations/${chat.id}/read`, { seq: 1 })
    expect(await get()).toBe(1)
  })

  it('answers bad input with 400 and the JSON error', async () => {
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    const cases: [string, string, unknown][] = [
      ['POST', `/api/conversations/${chat.id}/messages`, { clientId: 'not-a-uuid', text: 'x' }],
      ['POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: '' }],
      ['POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: '   ' }],
      ['POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'x'.repeat(4001) }],
      ['POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID() }],
      ['POST', `/api/conversations/${chat.id}/read`, { seq: -1 }],
      ['GET', '/api/conversations?view=everything', undefined],
      ['GET', '/api/conversations/not-a-uuid', undefined],
      ['GET', `/api/conversations/${chat.id}/messages?limit=100000`, undefined],
    ]
    for (const [method, path, body] of cases) {
      const res = await admin.req(method, path, body)
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400)
      expect(res.body.error.code).toBe('bad_request')
    }
    const rows = await s.ctx.db.selectFrom('messages').select('id').where('conversation_id', '=', chat.id).where('author_kind', '=', 'agent').execute()
    expect(rows).toHaveLength(0)
  })

  it('requires a session', async () => {
    const { Client } = await import('../../test/helpers.js')
    const anon = new Client(s.url)
    expect((await anon.req('GET', '/api/conversations?view=picklist')).status).toBe(401)
  })
})
