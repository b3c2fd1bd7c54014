import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, Client, signIn, startChat, startTestServer, type TestServer } from '../../test/helpers.js'

describe('customer chat', () => {
  let s: TestServer
  beforeAll(async () => { s = await startTestServer() })
  afterAll(async () => { await s.close() })

  it('starts a chat at a queue address and answers 404 for an unknown one', async () => {
    const anon = new Client(s.url)
    expect((await anon.req('GET', '/api/public/queues/support')).body).toEqual({
      queue: { name: 'Support', address: 'support', open: true, opensAt: null, agentsAvailable: true },
    })
    expect((await anon.req('GET', '/api/public/queues/nowhere')).status).toBe(404)
    expect((await anon.req('POST', '/api/public/queues/nowhere/conversations', { name: 'X' })).status).toBe(404)
  })

  it('validates the pre-chat form', async () => {
    const anon = new Client(s.url)
    for (const body of [{}, { name: '' }, { name: '  ' }, { name: 'A', email: 'not-an-email' }, { name: 'A', phone: '<script>' }, { name: 'A', admin: true }]) {
      const res = await anon.req('POST', '/api/public/queues/support/conversations', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('bad_request')
    }
    const ok = await anon.req('POST', '/api/public/queues/support/conversations', { name: 'Ann', email: '', phone: '+358 40 123' })
    expect(ok.status).toBe(201)
  })

  it('a customer token reads only its own conversation; another conversation is 404', async () => {
    const a = await startChat(s.url, 'support', 'Alice')
    const b = await startChat(s.url, 'support', 'Bob')
    await b.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Bob private' })

    const mine = await a.customer.req('GET', '/api/public/conversation')
    expect(mine.body.conversation).toMatchObject({ id: a.id, customerName: 'Alice' })
    expect(JSON.stringify(mine.body)).not.toContain('Bob private')

    // The agent API does not accept a customer token for anything.
    expect((await a.customer.req('GET', `/api/conversations/${b.id}`)).status).toBe(401)
    expect((await a.customer.req('GET', `/api/conversations/${b.id}/messages`)).status).toBe(401)
    expect((await a.customer.req('GET', '/api/conversations?view=picklist')).status).toBe(401)
    // There is no way to name another conversation on the public API: ids in paths are not routes.
    expect((await a.customer.req('GET', `/api/public/conversation/${b.id}`)).status).toBe(404)

    const bad = new Client(s.url, 'x'.repeat(43))
    expect((await bad.req('GET', '/api/public/conversation')).status).toBe(401)
  })

  it('never shows internal fields to the customer', async () => {
    const admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    const res = await chat.customer.req('GET', '/api/public/conversation')
    expect(Object.keys(res.body.conversation).sort()).toEqual([
      'agentDeliveredSeq', 'agentName', 'agentReadSeq', 'arrivedAt', 'customerName', 'endedAt', 'id', 'queueName', 'rating', 'state',
    ])
  })

  it('a sent message is answered exactly as it reads back, on its own and in a batch', async () => {
    const chat = await startChat(s.url)
    const one = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Hej 👋🏽 שלום' })
    const batch = await chat.customer.req('POST', '/api/public/conversation/messages/batch', {
      messages: [{ clientId: randomUUID(), text: 'two' }, { clientId: randomUUID(), text: 'three' }],
    })
    const read = (await chat.customer.req('GET', '/api/public/conversation')).body.messages as { clientId: string }[]
    const sent = [one.body.message, ...batch.body.stored] as { clientId: string }[]
    expect(sent.map((m) => m.clientId)).toHaveLength(3)
    for (const m of sent) expect(m).toEqual(read.find((r) => r.clientId === m.clientId))
  })

  it('receipts only move forward and never past the last message', async () => {
    const admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'hi' })
    expect((await chat.customer.req('POST', '/api/public/conversation/receipts', { deliveredSeq: 2, readSeq: 99 })).status).toBe(204)
    const conv = async () => (await admin.req('GET', `/api/conversations/${chat.id}`)).body.conversation
    expect(await conv()).toMatchObject({ customerDeliveredSeq: 2, customerReadSeq: 2 })
    await chat.customer.req('POST', '/api/public/conversation/receipts', { deliveredSeq: 1, readSeq: 0 })
    expect(await conv()).toMatchObject({ customerDeliveredSeq: 2, customerReadSeq: 2 })
    expect((await chat.customer.req('POST', '/api/public/conversation/receipts', {})).status).toBe(400)
  })
})
