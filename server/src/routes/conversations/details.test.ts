import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, createQueue, signIn, startChat, TestSocket, type Client, type TestServer, withServer, signedInAgent } from '../../test/helpers.js'

describe('notes, customer details, conversation history, read sync', () => {
  let s: TestServer
  let admin: Client
  let outsider: Client
  withServer(async (server, signedIn) => {
    s = server; admin = signedIn
    await createQueue(s, 'elsewhere')
    outsider = await signedInAgent(s, 'outsider', ['elsewhere'])
  })

  it('internal notes: newest first, never shown to the customer, 404 outside the queue', async () => {
    const chat = await startChat(s.url)
    const custSock = await TestSocket.open(s.url, { token: chat.token })
    await custSock.until((f) => f.type === 'ready')
    expect((await admin.req('POST', `/api/conversations/${chat.id}/notes`, { text: 'First note' })).status).toBe(201)
    const second = await admin.req('POST', `/api/conversations/${chat.id}/notes`, { text: '  VIP customer  ' })
    expect(second.body.note).toMatchObject({ text: 'VIP customer', authorName: 'Admin' })
    const notes = (await admin.req('GET', `/api/conversations/${chat.id}/notes`)).body.notes
    expect(notes.map((n: any) => n.text)).toEqual(['VIP customer', 'First note'])

    expect((await admin.req('POST', `/api/conversations/${chat.id}/notes`, { text: ' ' })).status).toBe(400)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/notes`, {})).status).toBe(400)
    expect((await outsider.req('GET', `/api/conversations/${chat.id}/notes`)).status).toBe(404)
    expect((await outsider.req('POST', `/api/conversations/${chat.id}/notes`, { text: 'x' })).status).toBe(404)

    const pub = await chat.customer.req('GET', '/api/public/conversation')
    expect(JSON.stringify(pub.body)).not.toContain('VIP')
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'ping' })
    await custSock.until((f) => f.type === 'event' && f.event.type === 'message.created')
    expect(JSON.stringify(custSock.frames)).not.toContain('VIP')
    custSock.close()
  })

  it('customer details and the history of the same customer (the same browser), sortable and paged', async () => {
    const email = `hist.${randomUUID().slice(0, 6)}@example.com`
    // The chat page's device key links chats from one browser (a typed email links nothing).
    const device = { deviceKey: randomUUID().replace(/-/g, '') + 'abcd' }
    const chats = []
    for (let i = 0; i < 4; i++) {
      const c = await startChat(s.url, 'support', `Hanna ${i}`, email, device)
      chats.push(c)
      await admin.req('POST', `/api/conversations/${c.id}/pick`)
      await admin.req('POST', `/api/conversations/${c.id}/end`)
      await new Promise((r) => setTimeout(r, 5))
    }
    // One more in a queue the admin is not in: it must not appear in the admin's history.
    await startChat(s.url, 'elsewhere', 'Hanna X', email, device)
    const current = await startChat(s.url, 'support', 'Hanna Now', email.toUpperCase(), device)

    const details = await admin.req('GET', `/api/conversations/${current.id}/customer`)
    expect(details.body.customer).toMatchObject({ name: 'Hanna Now', email, conversationCount: 6, verification: 'device', externalId: null })

    const desc = (await admin.req('GET', `/api/conversations/${current.id}/history?limit=3`)).body.conversations
    expect(desc.map((c: any) => c.id)).toEqual([chats[3]!.id, chats[2]!.id, chats[1]!.id])
    const more = (await admin.req('GET', `/api/conversations/${current.id}/history?limit=3&before=${desc.at(-1).arrivedAt}`)).body.conversations
    expect(more.map((c: any) => c.id)).toEqual([chats[0]!.id])
    const asc = (await admin.req('GET', `/api/conversations/${current.id}/history?order=asc&limit=2`)).body.conversations
    expect(asc.map((c: any) => c.id)).toEqual([chats[0]!.id, chats[1]!.id])

    expect((await admin.req('GET', `/api/conversations/${current.id}/history?order=sideways`)).status).toBe(400)
    expect((await outsider.req('GET', `/api/conversations/${current.id}/customer`)).status).toBe(404)
    expect((await outsider.req('GET', `/api/conversations/${current.id}/history`)).status).toBe(404)
  })

  it('reading on one device tells the agent\'s other devices', async () => {
    const chat = await startChat(s.url)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'one' })
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'two' })
    const other = await signIn(s.url, 'admin', ADMIN_PASSWORD)
    const sock = await TestSocket.open(s.url, {}, other.cookie)
    await sock.until((f) => f.type === 'ready')
    await admin.req('POST', `/api/conversations/${chat.id}/read`, { seq: 2 })
    const f = await sock.until((x) => x.type === 'event' && x.event.type === 'read.updated')
    expect(f.type === 'event' && f.event.data).toMatchObject({ lastReadSeq: 2 })
    expect((await other.req('GET', `/api/conversations/${chat.id}`)).body.conversation.unread).toBe(0)
    sock.close()
  })
})
