// Issue 10, point 5: a request repeated with its idempotency key (clientId) is answered — the
// outbox must learn it was done — but never shows more than a GET would at that moment.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createQueue, startChat, type Client, type TestServer, withServer, signedInAgent } from '../../test/helpers.js'

describe('repeats never disclose', () => {
  let s: TestServer
  let admin: Client // in Support only
  let dana: Client // in Support and Billing
  let sam: Client // in Support only, never the author
  let billingId: string
  withServer(async (server, signedIn) => {
    s = server; admin = signedIn
    billingId = await createQueue(s, 'replay-billing', 'Billing')
    dana = await signedInAgent(s, 'dana', ['support', 'replay-billing'])
    sam = await signedInAgent(s, 'sam', ['support'])
  })

  /** A chat the admin picked, wrote in (message and note), then transferred to Billing, where the admin can't see it. */
  async function transferredAway() {
    const chat = await startChat(s.url, 'support', 'Vera Private', `vera.${randomUUID().slice(0, 8)}@example.com`)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/pick`)).status).toBe(200)
    const keys = { message: randomUUID(), note: randomUUID(), transfer: randomUUID() }
    const message = await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: keys.message, text: 'Let me check' })
    expect(message.status).toBe(201)
    const note = await admin.req('POST', `/api/conversations/${chat.id}/notes`, { clientId: keys.note, text: 'Wants a refund' })
    expect(note.status).toBe(201)
    const moved = await admin.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId: keys.transfer, queueId: billingId })
    expect(moved.status).toBe(200)
    // Billing carries on: Dana picks it and the customer writes something new and private.
    expect((await dana.req('POST', `/api/conversations/${chat.id}/pick`)).status).toBe(200)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'My account number is 12345' })
    expect((await admin.req('GET', `/api/conversations/${chat.id}`)).status).toBe(404)
    return { chat, keys, messageId: message.body.message.id as string, noteId: note.body.note.id as string }
  }

  it('the transfer, message and note repeated by their author after the chat left their sight: only ids and outcome', async () => {
    const { chat, keys, messageId, noteId } = await transferredAway()

    const transfer = await admin.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId: keys.transfer, queueId: billingId })
    expect(transfer.status).toBe(200)
    expect(transfer.body).toEqual({ ack: { outcome: 'transferred', conversationId: chat.id, clientId: keys.transfer, id: null } })

    const message = await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: keys.message, text: 'Let me check' })
    expect(message.status).toBe(200)
    expect(message.body).toEqual({ ack: { outcome: 'sent', conversationId: chat.id, clientId: keys.message, id: messageId } })

    const note = await admin.req('POST', `/api/conversations/${chat.id}/notes`, { clientId: keys.note, text: 'Wants a refund' })
    expect(note.status).toBe(200)
    expect(note.body).toEqual({ ack: { outcome: 'noted', conversationId: chat.id, clientId: keys.note, id: noteId } })

    for (const body of [transfer.body, message.body, note.body]) {
      const text = JSON.stringify(body)
      for (const secret of ['vera.', 'Vera Private', '12345', 'Billing', 'Dana']) expect(text).not.toContain(secret)
    }
    // Nothing was done twice.
    const rows = await s.ctx.db.selectFrom('messages').select('text').where('conversation_id', '=', chat.id).execute()
    expect(rows.filter((m) => m.text === 'Let me check' || m.text.startsWith('Transferred by'))).toHaveLength(2)
  })

  it("someone else's key gets nothing: 404 where they can't see the chat, as a GET would answer", async () => {
    const { chat, keys } = await transferredAway()
    expect((await sam.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId: keys.transfer, queueId: billingId })).status).toBe(404)
    expect((await sam.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: keys.message, text: 'x' })).status).toBe(404)
    expect((await sam.req('POST', `/api/conversations/${chat.id}/notes`, { clientId: keys.note, text: 'x' })).status).toBe(404)
    expect((await sam.req('GET', `/api/conversations/${chat.id}`)).status).toBe(404)
  })

  it('while the caller may still see the chat, a repeat answers the resource as before', async () => {
    const chat = await startChat(s.url)
    await dana.req('POST', `/api/conversations/${chat.id}/pick`)
    const m = randomUUID()
    const first = await dana.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: m, text: 'Hello' })
    const again = await dana.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: m, text: 'Hello' })
    expect(again.status).toBe(200)
    expect(again.body).toEqual({ message: first.body.message })
    // Transferred to Billing, where Dana is a member: she still sees it, so the repeat shows it.
    const t = randomUUID()
    await dana.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId: t, queueId: billingId })
    const repeat = await dana.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId: t, queueId: billingId })
    expect(repeat.body.conversation).toEqual((await dana.req('GET', `/api/conversations/${chat.id}`)).body.conversation)
    // End and pick repeated by the agent who did them (who always sees the chat): the conversation.
    const mine = await startChat(s.url)
    const picked = await dana.req('POST', `/api/conversations/${mine.id}/pick`)
    expect((await dana.req('POST', `/api/conversations/${mine.id}/pick`)).body.conversation).toEqual(picked.body.conversation)
    const ended = await dana.req('POST', `/api/conversations/${mine.id}/end`)
    expect((await dana.req('POST', `/api/conversations/${mine.id}/end`)).body).toEqual({ conversation: { ...ended.body.conversation } })
  })

  it("customers: a repeat answers their own message; another conversation's key answers 409 with nothing of it", async () => {
    const a = await startChat(s.url)
    const b = await startChat(s.url)
    const key = randomUUID()
    const first = await a.customer.req('POST', '/api/public/conversation/messages', { clientId: key, text: 'my address is 1 Main St' })
    expect(first.status).toBe(201)
    expect(await a.customer.req('POST', '/api/public/conversation/messages', { clientId: key, text: 'my address is 1 Main St' }))
      .toEqual({ status: 200, body: { message: first.body.message } })
    const other = await b.customer.req('POST', '/api/public/conversation/messages', { clientId: key, text: 'x' })
    expect(other.status).toBe(409)
    expect(JSON.stringify(other.body)).not.toContain('Main St')
  })
})
