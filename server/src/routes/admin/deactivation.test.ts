// Issue 10, point 4: deactivating an agent leaves nothing behind — no device that gets message
// previews, no chat stuck with someone who can no longer answer.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createAgent, createQueue, signIn, startChat, type Client, type TestServer } from '../../test/helpers.js'
import { withPushServer, type FakePushService } from '../../test/fakePushService.js'

describe('deactivating an agent', () => {
  let s: TestServer, admin: Client, fake: FakePushService
  withPushServer((server, signedIn, service) => { s = server; admin = signedIn; fake = service })
  const device = () => fake.subscription()

  it('removes their devices, returns their chats to the queues (offer mode re-offers) with a line in the thread, and says how many', async () => {
    await createQueue(s, 'hotline', 'Hotline', 'offer')
    const danaId = await createAgent(s, 'dana', { queues: ['support', 'hotline'] })
    const omarId = await createAgent(s, 'omar', { queues: ['hotline'] })
    const dana = await signIn(s.url, 'dana', 'secret-pass')
    const omar = await signIn(s.url, 'omar', 'secret-pass')
    const danaPhone = device()
    const omarPhone = device()
    expect((await dana.req('POST', '/api/push/devices', { name: 'Dana phone', subscription: danaPhone.json })).status).toBe(201)
    expect((await omar.req('POST', '/api/push/devices', { name: 'Omar phone', subscription: omarPhone.json })).status).toBe(201)

    // Omar is away, so the Hotline offers go to Dana: she accepts one and leaves one waiting.
    await s.ctx.db.updateTable('users').set({ presence: 'away' }).where('id', '=', omarId).execute()
    const picked = await startChat(s.url, 'support', 'Paula Picked')
    expect((await dana.req('POST', `/api/conversations/${picked.id}/pick`)).status).toBe(200)
    const accepted = await startChat(s.url, 'hotline', 'Anna Accepted')
    expect((await dana.req('POST', `/api/conversations/${accepted.id}/accept`)).status).toBe(200)
    const offered = await startChat(s.url, 'hotline', 'Otto Offered')
    expect((await dana.req('GET', `/api/conversations/${offered.id}`)).body.conversation).toMatchObject({ state: 'offered', offeredTo: danaId })
    await s.ctx.db.updateTable('users').set({ presence: 'available' }).where('id', '=', omarId).execute()
    await picked.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'first question' })
    await s.push.idle()
    expect(danaPhone.payloads().map((p) => p.body)).toContain('first question')
    const danaPushes = danaPhone.payloads().length

    const res = await admin.req('PATCH', `/api/admin/users/${danaId}`, { active: false })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ user: { id: danaId, active: false }, returnedConversations: 3 })
    await s.push.idle()

    // Her device is gone from every list.
    expect((await admin.req('GET', '/api/admin/devices')).body.devices.map((d: { name: string }) => d.name)).not.toContain('Dana phone')

    // The picked chat waits in Support's Picklist; the customer reads why the agent left.
    const inSupport = (await admin.req('GET', `/api/conversations/${picked.id}`)).body.conversation
    expect(inSupport).toMatchObject({ state: 'queued', agentId: null, lastMessage: { authorKind: 'system', text: '\u2068Dana\u2069 is no longer available — returned to \u2068Support\u2069' } })
    const thread = (await picked.customer.req('GET', '/api/public/conversation')).body.messages.map((m: { text: string }) => m.text)
    expect(thread.at(-1)).toBe('\u2068Dana\u2069 is no longer available — returned to \u2068Support\u2069')

    // Hotline is an offer queue: both of her Hotline chats are offered again, to Omar, who is pushed.
    for (const chat of [accepted, offered]) {
      const c = (await omar.req('GET', `/api/conversations/${chat.id}`)).body.conversation
      expect(c, chat.id).toMatchObject({ state: 'offered', offeredTo: omarId, agentId: null })
    }
    expect((await omar.req('GET', `/api/conversations/${accepted.id}`)).body.conversation.lastMessage.text).toBe('\u2068Dana\u2069 is no longer available — returned to \u2068Hotline\u2069')
    expect(omarPhone.payloads().filter((p) => p.kind === 'offer').map((p) => p.conversationId).sort()).toEqual([accepted.id, offered.id].sort())

    // Nothing more reaches her phone, whatever the customer writes.
    await picked.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'second question' })
    await accepted.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'hello?' })
    await s.push.idle()
    expect(danaPhone.payloads()).toHaveLength(danaPushes)
  })

  it('push delivery itself skips inactive users (a device row that survived any other way gets nothing)', async () => {
    const id = await createAgent(s, 'ivan', { queues: ['support'] })
    const ivan = await signIn(s.url, 'ivan', 'secret-pass')
    const phone = device()
    expect((await ivan.req('POST', '/api/push/devices', { name: 'Ivan phone', subscription: phone.json })).status).toBe(201)
    expect(await s.push.sendToUser(id, { kind: 'test', conversationId: null, title: 'Parley', body: 'one' })).toBe(1)
    // Inactive without going through the admin route (say, a database restore): still no push.
    await s.ctx.db.updateTable('users').set({ active: 0 }).where('id', '=', id).execute()
    expect(await s.push.sendToUser(id, { kind: 'test', conversationId: null, title: 'Parley', body: 'two' })).toBe(0)
    await s.push.idle()
    expect(phone.payloads().map((p) => p.body)).toEqual(['one'])
  })

  it('picks and accepts racing the deactivation: nothing stays with the agent afterwards, and no request fails with a 5xx', async () => {
    await createQueue(s, 'race-picklist', 'Race picklist')
    await createQueue(s, 'race-offers', 'Race offers', 'offer')
    const id = await createAgent(s, 'rita', { queues: ['race-picklist', 'race-offers'], maxConcurrent: 50 })
    const rita = await signIn(s.url, 'rita', 'secret-pass')
    const queued = await Promise.all(Array.from({ length: 6 }, () => startChat(s.url, 'race-picklist')))
    const offers = await Promise.all(Array.from({ length: 3 }, () => startChat(s.url, 'race-offers', 'Racing Offer')))
    const results = await Promise.all([
      ...queued.map((c) => rita.req('POST', `/api/conversations/${c.id}/pick`)),
      ...offers.map((c) => rita.req('POST', `/api/conversations/${c.id}/accept`)),
      admin.req('PATCH', `/api/admin/users/${id}`, { active: false }),
    ])
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBeLessThan(500)
    const held = await s.ctx.db.selectFrom('conversations').select('id')
      .where((eb) => eb.or([eb('agent_id', '=', id), eb('offered_to', '=', id)])).where('state', 'in', ['picked', 'offered']).execute()
    expect(held).toEqual([])
  })

  it('a deactivated agent with nothing open: zero returned, and reactivation brings back sign-in only', async () => {
    const id = await createAgent(s, 'zoe', { queues: ['support'] })
    const res = await admin.req('PATCH', `/api/admin/users/${id}`, { active: false })
    expect(res.body).toMatchObject({ user: { active: false }, returnedConversations: 0 })
    const back = await admin.req('PATCH', `/api/admin/users/${id}`, { active: true })
    expect(back.body.user.active).toBe(true)
    expect(back.body.returnedConversations).toBeUndefined()
    await signIn(s.url, 'zoe', 'secret-pass')
  })
})
