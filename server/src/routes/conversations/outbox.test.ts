import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createQueue, startChat, type Client, type TestServer, withServer, signedInAgent } from '../../test/helpers.js'

// The app's outbox retries notes, End chat and Transfer after a lost answer: a repeat must be
// "done", never a second row or a confusing 409.
describe('queued actions are safe to retry', () => {
  let s: TestServer
  let admin: Client
  let other: Client
  let billingId: string
  withServer(async (server, signedIn) => {
    s = server; admin = signedIn
    billingId = await createQueue(s, 'outbox-billing', 'Billing')
    other = await signedInAgent(s, 'dana', ['support', 'outbox-billing'])
  })

  it('a note with a client id is stored once; a repeat answers 200 with the same note', async () => {
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    const clientId = randomUUID()
    const first = await admin.req('POST', `/api/conversations/${chat.id}/notes`, { clientId, text: 'Called back, no answer' })
    expect(first.status).toBe(201)
    const again = await admin.req('POST', `/api/conversations/${chat.id}/notes`, { clientId, text: 'Called back, no answer' })
    expect(again.status).toBe(200)
    expect(again.body.note).toEqual(first.body.note)
    const racing = await Promise.all(Array.from({ length: 4 }, () => admin.req('POST', `/api/conversations/${chat.id}/notes`, { clientId, text: 'x' })))
    expect(new Set(racing.map((r) => r.body.note.id))).toEqual(new Set([first.body.note.id]))
    const rows = await s.ctx.db.selectFrom('notes').select('id').where('conversation_id', '=', chat.id).execute()
    expect(rows).toHaveLength(1)
    const listed = await admin.req('GET', `/api/conversations/${chat.id}/notes`)
    expect(listed.body.notes.map((n: { text: string }) => n.text)).toEqual(['Called back, no answer'])

    // Without a client id (older apps) every post is a new note; a bad id is 400.
    expect((await admin.req('POST', `/api/conversations/${chat.id}/notes`, { text: 'plain' })).status).toBe(201)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/notes`, { text: 'plain' })).status).toBe(201)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/notes`, { clientId: 'nope', text: 'x' })).status).toBe(400)
  })

  it("the same note id in another conversation is a different note; another agent can't reuse mine", async () => {
    const a = await startChat(s.url)
    const b = await startChat(s.url)
    const clientId = randomUUID()
    const inA = await admin.req('POST', `/api/conversations/${a.id}/notes`, { clientId, text: 'in a' })
    const inB = await admin.req('POST', `/api/conversations/${b.id}/notes`, { clientId, text: 'in b' })
    expect([inA.status, inB.status]).toEqual([201, 201])
    expect(inB.body.note.id).not.toBe(inA.body.note.id)
    const stolen = await other.req('POST', `/api/conversations/${a.id}/notes`, { clientId, text: 'mine?' })
    expect(stolen.status).toBe(409)
  })

  it('a transfer repeated with its client id answers done, even once the chat left my queues', async () => {
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    const clientId = randomUUID()
    const first = await admin.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId, queueId: billingId, note: 'VIP' })
    expect(first.status).toBe(200)
    expect(first.body.conversation).toMatchObject({ state: 'queued', queue: { id: billingId } })
    const again = await admin.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId, queueId: billingId, note: 'VIP' })
    expect(again.status).toBe(200)
    // Done — but the chat is out of my sight now, so only the acknowledgement (issue 10, point 5).
    expect(again.body).toEqual({ ack: { outcome: 'transferred', conversationId: chat.id, clientId, id: null } })
    // Done once: one transfer notice, one note.
    const messages = await s.ctx.db.selectFrom('messages').select('text').where('conversation_id', '=', chat.id).where('author_kind', '=', 'system').execute()
    expect(messages.filter((m) => m.text.startsWith('Transferred by'))).toHaveLength(1)
    expect(await s.ctx.db.selectFrom('notes').select('id').where('conversation_id', '=', chat.id).execute()).toHaveLength(1)

    // Admin is not in Billing: a transfer that isn't that one finds nothing, as before.
    const fresh = await admin.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId: randomUUID(), queueId: billingId })
    expect(fresh.status).toBe(404)

    // Once someone else picked it and moved it on, the old id is no longer "done" for a new move.
    await other.req('POST', `/api/conversations/${chat.id}/pick`)
    const byDana = await other.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId: randomUUID(), queueId: billingId })
    expect(byDana.status).toBe(200)
    const stale = await admin.req('POST', `/api/conversations/${chat.id}/transfer`, { clientId, queueId: billingId })
    expect(stale.status).toBe(404)
  })

  it("End of a chat I ended is done; a chat someone else ended is a 409 that names the state", async () => {
    const chat = await startChat(s.url)
    await other.req('POST', `/api/conversations/${chat.id}/pick`)
    await other.req('POST', `/api/conversations/${chat.id}/end`)
    expect((await other.req('POST', `/api/conversations/${chat.id}/end`)).status).toBe(200)
    const mine = await admin.req('POST', `/api/conversations/${chat.id}/end`)
    expect(mine.status).toBe(409)
    expect(mine.body.error.code).toBe('conversation_ended')
    // A message queued for it fails the same way (the app keeps it as "Not sent" with this reason).
    const late = await other.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'late' })
    expect(late.body.error.code).toBe('conversation_ended')
  })
})
