// A real push, end to end on the server side: web-push encrypts and signs, a local HTTPS server
// plays the push service, and the test decrypts the payload with the subscription's keys.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createAgent, createQueue, signIn, startChat, TestSocket, type Client, type TestServer } from '../../test/helpers.js'
import { withPushServer, type FakePushService, type Received } from '../../test/fakePushService.js'

describe('push notifications', () => {
  let s: TestServer, admin: Client, fake: FakePushService
  let received: Received[], answerOnce: Map<string, number>
  withPushServer((server, signedIn, service) => {
    s = server; admin = signedIn; fake = service
    ;({ received, answerOnce } = service)
  })

  /** A browser-like subscription: our own P-256 key pair and auth secret. */
  const subscription = () => fake.subscription()
  const pushesTo = (path: string) => received.filter((r) => r.path === path)

  it('sends an encrypted, signed push for a new customer message, and deletes a subscription answered 410', async () => {
    const key = (await admin.req('GET', '/api/push/key')).body.publicKey
    expect(key).toMatch(/^[A-Za-z0-9_-]{80,}$/)
    const sub = subscription()
    const dev = await admin.req('POST', '/api/push/devices', { name: 'Pixel 7', subscription: sub.json })
    expect(dev.status).toBe(201)

    const chat = await startChat(s.url, 'support', 'Petra Push')
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Where is my parcel?' })
    await s.push.idle()
    const [push] = pushesTo(sub.path)
    expect(push).toBeDefined()
    expect(push!.headers['content-encoding']).toBe('aes128gcm')
    expect(push!.headers.ttl).toBeDefined()
    expect(push!.headers.urgency).toBe('high')
    expect(String(push!.headers.authorization)).toMatch(new RegExp(`^vapid t=.+, k=${key}$`))
    expect(sub.decrypt(push!)).toMatchObject({ kind: 'message', conversationId: chat.id, title: 'Petra Push', body: 'Where is my parcel?', words: { locale: 'en', accept: 'Accept' } })

    // The push service says the subscription is gone: it is removed.
    answerOnce.set(sub.path, 410)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Hello?' })
    await s.push.idle()
    expect((await admin.req('GET', '/api/push/devices')).body.devices).toHaveLength(0)
    const count = pushesTo(sub.path).length
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Anyone?' })
    await s.push.idle()
    expect(pushesTo(sub.path).length).toBe(count)
  })

  it('cuts a long preview between graphemes: an emoji at the cut stays whole', async () => {
    const sub = subscription()
    await admin.req('POST', '/api/push/devices', { name: 'Preview', subscription: sub.json })
    const chat = await startChat(s.url, 'support', 'محمد 4711', `m.${randomUUID()}@example.com`)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    // A UTF-16 cut at 120 would end in half of 👍 (U+D83D alone, shown as �).
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'x'.repeat(119) + '👍 thanks' })
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'y'.repeat(119) + '👨‍👩‍👧‍👦 family' })
    await s.push.idle()
    const bodies = pushesTo(sub.path).map((p) => sub.decrypt(p) as { title: string; body: string })
    expect(bodies.map((b) => b.body)).toEqual(['x'.repeat(119) + '👍…', 'y'.repeat(119) + '👨‍👩‍👧‍👦…'])
    expect(bodies[0]!.title).toBe('محمد 4711')
    await admin.req('DELETE', `/api/push/devices/${(await admin.req('GET', '/api/push/devices')).body.devices[0].id}`)
  })

  it('no push when disabled in Settings, for a conversation on screen, or for another agent\'s conversation; preview can be turned off', async () => {
    const sub = subscription()
    const dev = (await admin.req('POST', '/api/push/devices', { name: 'Desk', subscription: sub.json })).body.device
    const chat = await startChat(s.url, 'support', 'Quiet Quinn')
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)

    await admin.req('PATCH', '/api/me', { notifyMessages: false })
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'one' })
    await s.push.idle()
    expect(pushesTo(sub.path)).toHaveLength(0)
    expect((await admin.req('PATCH', '/api/me', { notifyMessages: true, locale: null })).body.user.notifyMessages).toBe(true)

    // The device has this conversation open: no push; once it looks elsewhere, pushes again.
    const sock = await TestSocket.open(s.url, {}, admin.cookie)
    await sock.until((f) => f.type === 'ready')
    sock.ws.send(JSON.stringify({ type: 'viewing', conversationId: chat.id, deviceId: dev.id }))
    await new Promise((r) => setTimeout(r, 100))
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'two' })
    await s.push.idle()
    expect(pushesTo(sub.path)).toHaveLength(0)
    sock.close()
    await new Promise((r) => setTimeout(r, 100))

    await admin.req('PUT', '/api/admin/settings/push', { maxDevices: 3, preview: false })
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'secret text' })
    await s.push.idle()
    expect(pushesTo(sub.path).map((r) => sub.decrypt(r).body)).toEqual(['New message'])
    await admin.req('PUT', '/api/admin/settings/push', { maxDevices: 3, preview: true })

    // Another agent's conversation: nothing reaches this admin's device.
    await createAgent(s, 'other', { queues: ['support'] })
    const other = await signIn(s.url, 'other', 'secret-pass')
    const theirs = await startChat(s.url)
    await other.req('POST', `/api/conversations/${theirs.id}/pick`)
    await theirs.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'not for admin' })
    await s.push.idle()
    expect(pushesTo(sub.path)).toHaveLength(1)
    await admin.req('DELETE', `/api/push/devices/${dev.id}`)
  })

  it('blocked devices get nothing and are signed out; the device limit refuses the fourth with a clear message', async () => {
    await createAgent(s, 'dora', { queues: ['support'] })
    const dora = await signIn(s.url, 'dora', 'secret-pass')
    const subs = [subscription(), subscription(), subscription(), subscription()]
    for (const [i, sub] of subs.slice(0, 3).entries()) {
      expect((await dora.req('POST', '/api/push/devices', { name: `Phone ${i}`, subscription: sub.json })).status).toBe(201)
    }
    const fourth = await dora.req('POST', '/api/push/devices', { name: 'Phone 4', subscription: subs[3]!.json })
    expect(fourth.status).toBe(409)
    expect(fourth.body.error).toEqual({ code: 'device_limit', message: 'You can get notifications on at most 3 devices. Remove one in Settings first.' })
    // Subscribing the same browser again updates it rather than counting twice.
    expect((await dora.req('POST', '/api/push/devices', { name: 'Phone 0 again', subscription: subs[0]!.json })).status).toBe(200)

    const list = (await admin.req('GET', '/api/admin/devices')).body.devices.filter((d: any) => d.userName === 'Dora')
    expect(list).toHaveLength(3)
    const blocked = await admin.req('PATCH', `/api/admin/devices/${list[0].id}`, { blocked: true })
    expect(blocked.body.device.blocked).toBe(true)
    expect((await dora.req('GET', '/api/auth/me')).status).toBe(401)

    const dora2 = await signIn(s.url, 'dora', 'secret-pass')
    expect((await dora2.req('POST', '/api/push/test')).body.sent).toBe(2)
    await s.push.idle()
    expect(pushesTo(subs[0]!.path)).toHaveLength(0)
    expect(subs[1]!.decrypt(pushesTo(subs[1]!.path)[0]!)).toMatchObject({ kind: 'test' })
    expect((await dora2.req('POST', '/api/push/devices', { name: 'again', subscription: subs[0]!.json })).body.error.code).toBe('device_blocked')

    // Agents can't see or touch the admin's device list, nor others' devices.
    expect((await dora2.req('GET', '/api/admin/devices')).status).toBe(403)
    expect((await admin.req('DELETE', `/api/push/devices/${list[1].id}`)).status).toBe(404)
    expect((await admin.req('DELETE', `/api/admin/devices/${list[1].id}`)).status).toBe(204)
    expect((await dora2.req('POST', '/api/push/devices', { name: 'x', subscription: { endpoint: 'http://insecure.example/x', keys: subs[3]!.json.keys } })).status).toBe(400)
  })

  it('an offered conversation is pushed to the agent it is offered to', async () => {
    const sub = subscription()
    await admin.req('POST', '/api/push/devices', { name: 'Offer phone', subscription: sub.json })
    const q = await admin.req('POST', '/api/admin/queues', { name: 'Hotline', address: 'hotline', routingMode: 'offer', memberIds: [(await admin.req('GET', '/api/auth/me')).body.user.id] })
    expect(q.status).toBe(201)
    const chat = await startChat(s.url, 'hotline', 'Olga Offer')
    await s.push.idle()
    const payload = sub.decrypt(pushesTo(sub.path)[0]!)
    expect(payload).toMatchObject({ kind: 'offer', conversationId: chat.id, title: 'Olga Offer', body: 'New chat in \u2068Hotline\u2069' })
    expect(payload.expiresAt).toBeGreaterThan(Date.now())
  })
  it('a transfer to an agent is pushed as a transfer, told by how it happened and not by the thread text', async () => {
    await createQueue(s, 'relay', 'Relay')
    await createAgent(s, 'ravi', { queues: ['relay'] })
    const tess = await createAgent(s, 'tess', { queues: ['relay'] })
    const ravi = await signIn(s.url, 'ravi', 'secret-pass')
    const tessClient = await signIn(s.url, 'tess', 'secret-pass')
    const sub = subscription()
    expect((await tessClient.req('POST', '/api/push/devices', { name: 'Tess phone', subscription: sub.json })).status).toBe(201)
    const chat = await startChat(s.url, 'relay', 'Tomas Transfer')
    expect((await ravi.req('POST', `/api/conversations/${chat.id}/pick`)).status).toBe(200)
    const queueId = (await ravi.req('GET', `/api/conversations/${chat.id}`)).body.conversation.queue.id
    expect((await ravi.req('POST', `/api/conversations/${chat.id}/transfer`, { queueId, agentId: tess })).status).toBe(200)
    await s.push.idle()
    const pushes = pushesTo(sub.path).map((r) => sub.decrypt(r))
    expect(pushes).toHaveLength(1)
    expect(pushes[0]).toMatchObject({ kind: 'transfer', conversationId: chat.id, title: 'Tomas Transfer', body: 'Transferred to you in \u2068Relay\u2069' })
  })

  it('pushes in the agent\'s chosen language: German texts for an agent with locale de', async () => {
    await createQueue(s, 'heise', 'Heise')
    await createAgent(s, 'greta', { queues: ['heise'] })
    const greta = await signIn(s.url, 'greta', 'secret-pass')
    const me = await greta.req('PATCH', '/api/me', { locale: 'de' })
    expect(me.status).toBe(200)
    expect(me.body.user.locale).toBe('de')
    const sub = subscription()
    expect((await greta.req('POST', '/api/push/devices', { name: 'Gretas Handy', subscription: sub.json })).status).toBe(201)
    expect((await admin.req('PUT', '/api/admin/settings/push', { maxDevices: 3, preview: false })).status).toBe(200)
    const chat = await startChat(s.url, 'heise', 'Hanna Heise')
    expect((await greta.req('POST', `/api/conversations/${chat.id}/pick`)).status).toBe(200)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Wo ist mein Paket?' })
    await s.push.idle()
    const pushes = pushesTo(sub.path).map((r) => sub.decrypt(r))
    // No preview allowed: the body is the German "New message".
    expect(pushes.at(-1)).toEqual({
      kind: 'message', conversationId: chat.id, title: 'Hanna Heise', body: 'Neue Nachricht',
      words: {
        locale: 'de', accept: 'Annehmen', reject: 'Ablehnen', newMessages: '{n} neue Nachricht | {n} neue Nachrichten',
        acceptFailed: 'Chat konnte nicht angenommen werden', noLongerOffered: 'Der Chat wird dir nicht mehr angeboten.',
      },
    })

    // An offer in German: "Neuer Chat in …".
    const q = await admin.req('POST', '/api/admin/queues', { name: 'Notruf', address: 'notruf', routingMode: 'offer', memberIds: [me.body.user.id] })
    expect(q.status).toBe(201)
    const offered = await startChat(s.url, 'notruf', 'Olaf Offer')
    await s.push.idle()
    const offer = pushesTo(sub.path).map((r) => sub.decrypt(r)).find((p) => p.conversationId === offered.id)
    expect(offer).toMatchObject({ kind: 'offer', title: 'Olaf Offer', body: 'Neuer Chat in \u2068Notruf\u2069' })
    // The test notification too.
    expect((await greta.req('POST', '/api/push/test')).body.sent).toBe(1)
    await s.push.idle()
    expect(pushesTo(sub.path).map((r) => sub.decrypt(r)).find((p) => p.kind === 'test')).toMatchObject({ title: 'Parley', body: 'Benachrichtigungen funktionieren.' })

    // Back to the browser's language (null): English again; an unknown language is refused.
    expect((await greta.req('PATCH', '/api/me', { locale: null })).body.user.locale).toBe(null)
    expect((await greta.req('PATCH', '/api/me', { locale: 'fr' })).status).toBe(400)
    expect((await greta.req('GET', '/api/auth/me')).body.user.locale).toBe(null)
  })
})
