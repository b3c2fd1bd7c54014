// User text is limited in graphemes (what people count as characters), not UTF-16 units:
// server/src/text.ts, the `maxGraphemes` keyword in routes/schemas.ts.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Client, pickedChat, type TestServer, withServer } from '../../test/helpers.js'

const THUMB = '👍🏽' // 4 UTF-16 units, one grapheme
const E_ACUTE = 'e\u0301' // 2 units, one grapheme
const FAMILY = '👨‍👩‍👧‍👦' // 11 units, one grapheme

describe('text limits count graphemes', () => {
  let s: TestServer, admin: Client
  withServer((server, signedIn) => { s = server; admin = signedIn })

  it('a message of 4000 emoji with skin tone is taken; one more grapheme is refused with a clear 400', async () => {
    const chat = await pickedChat(s, admin)
    const ok = await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: THUMB.repeat(4000) })
    expect(ok.status).toBe(201)
    expect(ok.body.message.text).toBe(THUMB.repeat(4000))
    const over = await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: THUMB.repeat(4000) + 'a' })
    expect(over.status).toBe(400)
    expect(over.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('4000 characters') })
    // The customer's side has the same rule.
    const theirs = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: E_ACUTE.repeat(4000) })
    expect(theirs.status).toBe(201)
    expect((await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: E_ACUTE.repeat(4001) })).status).toBe(400)
  })

  it('the list preview is cut between graphemes', async () => {
    const chat = await pickedChat(s, admin)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'x'.repeat(159) + FAMILY + ' and more' })
    const row = (await admin.req('GET', `/api/conversations/${chat.id}`)).body.conversation
    expect(row.lastMessage.text).toBe('x'.repeat(159) + FAMILY + '…')
  })

  it('notes, transfer notes and names count graphemes too', async () => {
    const chat = await pickedChat(s, admin)
    const note = await admin.req('POST', `/api/conversations/${chat.id}/notes`, { text: THUMB.repeat(4000) })
    expect(note.status).toBe(201)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/notes`, { text: THUMB.repeat(4001) })).status).toBe(400)
    // 40 family emoji and 60 letters: 500 UTF-16 units, 100 graphemes, a name within its limit.
    const name = FAMILY.repeat(40) + ' ' + 'a'.repeat(59)
    expect((await new Client(s.url).req('POST', '/api/public/queues/support/conversations', { name })).status).toBe(201)
    expect((await new Client(s.url).req('POST', '/api/public/queues/support/conversations', { name: name + 'a' })).status).toBe(400)
    const transfer = await admin.req('POST', `/api/conversations/${chat.id}/transfer`, { queueId: (await admin.req('GET', '/api/transfer-targets')).body.targets[0].queue.id, note: THUMB.repeat(2001) })
    expect(transfer.status).toBe(400)
    expect(transfer.body.error.message).toContain('2000 characters')
    const queue = await admin.req('POST', '/api/admin/queues', { name: `Ünïcödé ${E_ACUTE.repeat(90)}`, address: 'graphemes', routingMode: 'picklist', memberIds: [] })
    expect(queue.status).toBe(201)
  })
})
