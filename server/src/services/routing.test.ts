import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, createAgent, createQueue, signIn, startChat, startTestServer, TestSocket, type Client, type TestServer } from '../test/helpers.js'
import { createPushPolicy } from './pushPolicy.js'
import type { Published } from './pubsub.js'
import { expireOffers, loadOf, routeWaiting } from './routing.js'

const state = async (s: TestServer, id: string) =>
  s.ctx.db.selectFrom('conversations').select(['state', 'offered_to', 'agent_id', 'queue_id']).where('id', '=', id).executeTakeFirstOrThrow()

describe('offer routing', () => {
  let s: TestServer
  let ann: Client, ben: Client
  let annId: string, benId: string
  beforeAll(async () => {
    s = await startTestServer()
    await createQueue(s, 'offers', 'Offers', 'offer')
    annId = await createAgent(s, 'ann', { queues: ['offers'], maxConcurrent: 2 })
    benId = await createAgent(s, 'ben', { queues: ['offers'], maxConcurrent: 1 })
    ann = await signIn(s.url, 'ann', 'secret-pass')
    ben = await signIn(s.url, 'ben', 'secret-pass')
  })
  afterAll(async () => { await s.close() })

  it('offers a new chat to one available agent, least loaded first, and only they can accept', async () => {
    const first = await startChat(s.url, 'offers')
    const a = await state(s, first.id)
    expect(a.state).toBe('offered')
    const offeredTo = a.offered_to!
    expect([annId, benId]).toContain(offeredTo)
    const [holder, other] = offeredTo === annId ? [ann, ben] : [ben, ann]

    // The offer shows in the holder's Conversations with its expiry; not in the other's.
    const mine = (await holder.req('GET', '/api/conversations?view=conversations')).body.conversations
    expect(mine.find((c: any) => c.id === first.id)).toMatchObject({ state: 'offered', offeredTo })
    expect(mine.find((c: any) => c.id === first.id).offerExpiresAt).toBeGreaterThan(Date.now())
    expect((await other.req('POST', `/api/conversations/${first.id}/accept`)).body.error.code).toBe('offer_gone')

    // The next chat goes to the other agent, who has fewer open chats.
    const second = await startChat(s.url, 'offers')
    expect((await state(s, second.id)).offered_to).not.toBe(offeredTo)

    const accepted = await holder.req('POST', `/api/conversations/${first.id}/accept`)
    expect(accepted.status).toBe(200)
    expect(accepted.body.conversation).toMatchObject({ state: 'picked', agentId: offeredTo, offeredTo: null })
    expect((await holder.req('POST', `/api/conversations/${first.id}/accept`)).status).toBe(409)
    // Clean up for the next tests.
    await holder.req('POST', `/api/conversations/${first.id}/end`)
    const secondHolder = offeredTo === annId ? ben : ann
    await secondHolder.req('POST', `/api/conversations/${second.id}/reject`)
    await holder.req('POST', `/api/conversations/${second.id}/reject`)
    expect((await state(s, second.id)).state).toBe('queued')
  })

  it('reject offers it to the next agent; when everyone said no it waits in the queue (Picklist)', async () => {
    const chat = await startChat(s.url, 'offers')
    const first = (await state(s, chat.id)).offered_to!
    const firstClient = first === annId ? ann : ben
    expect((await firstClient.req('POST', `/api/conversations/${chat.id}/reject`)).status).toBe(204)
    const next = await state(s, chat.id)
    expect(next.state).toBe('offered')
    expect(next.offered_to).not.toBe(first)
    const secondClient = next.offered_to === annId ? ann : ben
    await secondClient.req('POST', `/api/conversations/${chat.id}/reject`)
    expect(await state(s, chat.id)).toMatchObject({ state: 'queued', offered_to: null })
    // Nobody is offered it again by the router, but anyone in the queue can pick it.
    await routeWaiting(s.ctx)
    expect((await state(s, chat.id)).state).toBe('queued')
    const pick = (await ann.req('GET', '/api/conversations?view=picklist')).body.conversations
    expect(pick.map((c: any) => c.id)).toContain(chat.id)
    expect((await ann.req('POST', `/api/conversations/${chat.id}/pick`)).status).toBe(200)
    await ann.req('POST', `/api/conversations/${chat.id}/end`)
  })

  it('a timed-out offer moves on to the next agent', async () => {
    const chat = await startChat(s.url, 'offers')
    const first = (await state(s, chat.id)).offered_to
    expect(await expireOffers(s.ctx, Date.now() + s.ctx.offerMs + 1)).toBe(1)
    const after = await state(s, chat.id)
    expect(after.state).toBe('offered')
    expect(after.offered_to).not.toBe(first)
    const reason = await s.ctx.db.selectFrom('offer_declines').select('reason').where('conversation_id', '=', chat.id).executeTakeFirstOrThrow()
    expect(reason.reason).toBe('timeout')
    // An offer that has not expired is left alone.
    expect(await expireOffers(s.ctx, Date.now())).toBe(0)
    const holder = after.offered_to === annId ? ann : ben
    await holder.req('POST', `/api/conversations/${chat.id}/reject`)
  })

  it('respects capacity and presence: full or away agents get no offers; it waits and is offered when one frees up', async () => {
    // Ben (limit 1) takes one chat; Ann goes away.
    await ann.req('PATCH', '/api/me', { presence: 'away' })
    const c1 = await startChat(s.url, 'offers')
    expect((await state(s, c1.id)).offered_to).toBe(benId)
    await ben.req('POST', `/api/conversations/${c1.id}/accept`)
    const c2 = await startChat(s.url, 'offers')
    expect(await state(s, c2.id)).toMatchObject({ state: 'queued', offered_to: null })

    // Ben ends his chat: capacity frees up and the router offers the waiting chat.
    await ben.req('POST', `/api/conversations/${c1.id}/end`)
    await routeWaiting(s.ctx)
    expect((await state(s, c2.id)).offered_to).toBe(benId)
    await ben.req('POST', `/api/conversations/${c2.id}/accept`)

    // Ann comes back: a new chat goes to her (Ben is full).
    const me = await ann.req('PATCH', '/api/me', { presence: 'available' })
    expect(me.body.user.presence).toBe('available')
    const c3 = await startChat(s.url, 'offers')
    expect((await state(s, c3.id)).offered_to).toBe(annId)
    expect((await ann.req('PATCH', '/api/me', { presence: 'busy' })).status).toBe(400)
    await ann.req('POST', `/api/conversations/${c3.id}/accept`)
    await ann.req('POST', `/api/conversations/${c3.id}/end`)
    await ben.req('POST', `/api/conversations/${c2.id}/end`)
  })

  it('transfer to a queue: leaves my Conversations, waits in its Picklist, note kept', async () => {
    const billingId = await createQueue(s, 'billing', 'Billing')
    const cid = await createAgent(s, 'cid', { queues: ['billing'] })
    const cidClient = await signIn(s.url, 'cid', 'secret-pass')
    const chat = await startChat(s.url, 'offers')
    const holderId = (await state(s, chat.id)).offered_to!
    const holder = holderId === annId ? ann : ben
    await holder.req('POST', `/api/conversations/${chat.id}/accept`)

    // Only the owner may transfer; bad bodies are 400; unknown queue 404.
    const other = holder === ann ? ben : ann
    expect((await other.req('POST', `/api/conversations/${chat.id}/transfer`, { queueId: billingId })).status).toBe(409)
    expect((await holder.req('POST', `/api/conversations/${chat.id}/transfer`, { queueId: 'nope' })).status).toBe(400)
    expect((await holder.req('POST', `/api/conversations/${chat.id}/transfer`, { queueId: randomUUID() })).status).toBe(404)

    const res = await holder.req('POST', `/api/conversations/${chat.id}/transfer`, { queueId: billingId, note: 'Wants a refund' })
    expect(res.status).toBe(200)
    expect(await state(s, chat.id)).toMatchObject({ state: 'queued', agent_id: null, queue_id: billingId })
    expect((await holder.req('GET', '/api/conversations?view=conversations')).body.conversations.map((c: any) => c.id)).not.toContain(chat.id)
    // Not in Billing: the old owner can't see it any more.
    expect((await holder.req('GET', `/api/conversations/${chat.id}`)).status).toBe(404)
    const pick = (await cidClient.req('GET', '/api/conversations?view=picklist')).body.conversations
    expect(pick.map((c: any) => c.id)).toContain(chat.id)
    const notes = (await cidClient.req('GET', `/api/conversations/${chat.id}/notes`)).body.notes
    expect(notes[0]).toMatchObject({ text: 'Wants a refund' })
    const msgs = (await cidClient.req('GET', `/api/conversations/${chat.id}/messages`)).body.messages
    expect(msgs.at(-1).text).toMatch(/^Transferred by \u2068(Ann|Ben)\u2069 to \u2068Billing\u2069$/)

    // Transfer to an agent: offered to that agent alone.
    await cidClient.req('POST', `/api/conversations/${chat.id}/pick`)
    const offersId = (await s.ctx.db.selectFrom('queues').select('id').where('address', '=', 'offers').executeTakeFirstOrThrow()).id
    await ben.req('PATCH', '/api/me', { presence: 'away' })
    const away = await cidClient.req('POST', `/api/conversations/${chat.id}/transfer`, { queueId: offersId, agentId: benId })
    expect(away.status).toBe(409)
    expect(away.body.error.code).toBe('agent_unavailable')
    const toAnn = await cidClient.req('POST', `/api/conversations/${chat.id}/transfer`, { queueId: offersId, agentId: annId })
    expect(toAnn.body.conversation).toMatchObject({ state: 'offered', offeredTo: annId })
    expect(cid).toBeTruthy()
    await ben.req('PATCH', '/api/me', { presence: 'available' })
  })

  it('transfer targets list every queue with its agents, presence and open-chat load', async () => {
    const targets = (await ann.req('GET', '/api/transfer-targets')).body.targets
    const offers = targets.find((t: any) => t.queue.address === 'offers')
    const annRow = offers.agents.find((a: any) => a.id === annId)
    expect(annRow).toMatchObject({ displayName: 'Ann', presence: 'available', maxConcurrent: 2 })
    expect(annRow.load).toBe(await loadOf(s.ctx.db, annId))
    expect(annRow.load).toBeGreaterThan(0)
    expect(targets.map((t: any) => t.queue.address)).toEqual(expect.arrayContaining(['offers', 'billing', 'support']))
  })
})

describe('missed offers (issue 14, point 5)', () => {
  let s: TestServer
  let admin: Client, cleo: Client
  let cleoId: string
  const expireNow = () => expireOffers(s.ctx, Date.now() + s.ctx.offerMs + 1)
  const cleoRow = () => s.ctx.db.selectFrom('users').select(['presence', 'away_reason', 'missed_offers']).where('id', '=', cleoId).executeTakeFirstOrThrow()
  beforeAll(async () => {
    s = await startTestServer()
    await createQueue(s, 'solo', 'Solo', 'offer')
    cleoId = await createAgent(s, 'cleo', { queues: ['solo'], maxConcurrent: 5 })
    cleo = await signIn(s.url, 'cleo', 'secret-pass')
    admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
  })
  afterAll(async () => { await s.close() })

  it('sets the agent Away after the admin\'s number of offers in a row time out, tells them, and offers nothing until they choose Available', async () => {
    expect((await admin.req('GET', '/api/settings/work')).body.work).toEqual({ missedOffersAway: 2, waitWarnMinutes: 2, waitUrgentMinutes: 5 })
    const socket = await TestSocket.open(s.url, {}, cleo.cookie)
    await socket.until((f) => f.type === 'ready')
    const adminSocket = await TestSocket.open(s.url, {}, admin.cookie)
    await adminSocket.until((f) => f.type === 'ready')
    const pushed: Published[] = []
    const before = s.ctx.onCommitted
    s.ctx.onCommitted = (p) => { pushed.push(p); before?.(p) }

    const one = await startChat(s.url, 'solo')
    expect((await state(s, one.id)).offered_to).toBe(cleoId)
    await expireNow()
    expect(await cleoRow()).toMatchObject({ presence: 'available', missed_offers: 1 })
    const two = await startChat(s.url, 'solo')
    expect((await state(s, two.id)).offered_to).toBe(cleoId)
    await expireNow()
    expect(await cleoRow()).toMatchObject({ presence: 'away', away_reason: 'missed_offers', missed_offers: 2 })

    // Told on every device (and the admins' agent list) by socket, and by push.
    const frame = await socket.until((f) => f.type === 'user')
    expect(frame).toMatchObject({ type: 'user', user: { id: cleoId, presence: 'away', awayReason: 'missed_offers' } })
    expect(await adminSocket.until((f) => f.type === 'user' && f.user.id === cleoId)).toMatchObject({ user: { awayReason: 'missed_offers' } })
    expect(pushed.filter((p) => p.kind === 'user')).toEqual([expect.objectContaining({ cause: 'missed_offers' })])
    const notes = await createPushPolicy(s.ctx.db)(pushed.find((p) => p.kind === 'user')!)
    expect(notes).toEqual([expect.objectContaining({ userId: cleoId, payload: expect.objectContaining({ kind: 'away' }) })])
    expect((await cleo.req('GET', '/api/auth/me')).body.user).toMatchObject({ presence: 'away', awayReason: 'missed_offers' })
    const listed = (await admin.req('GET', '/api/admin/users')).body.users.find((u: any) => u.id === cleoId)
    expect(listed).toMatchObject({ presence: 'away', awayReason: 'missed_offers' })
    expect(listed.awaySince).toBeGreaterThan(0)

    // Away: new and waiting chats are not offered to her.
    const three = await startChat(s.url, 'solo')
    await routeWaiting(s.ctx)
    expect((await state(s, three.id)).state).toBe('queued')

    // Choosing Available clears the reason and the run; waiting chats are offered again.
    const back = await cleo.req('PATCH', '/api/me', { presence: 'available' })
    expect(back.body.user).toMatchObject({ presence: 'available', awayReason: null, awaySince: null })
    expect(await cleoRow()).toMatchObject({ missed_offers: 0 })
    await routeWaiting(s.ctx)
    expect((await state(s, three.id)).offered_to).toBe(cleoId)
    s.ctx.onCommitted = before
    socket.close()
    adminSocket.close()
  })

  it('counts only offers in a row: an Accept or a Reject starts the count again; 0 turns the rule off', async () => {
    await expireNow() // the offer left from the test before: one miss
    expect(await cleoRow()).toMatchObject({ presence: 'available', missed_offers: 1 })
    const a = await startChat(s.url, 'solo')
    expect((await cleo.req('POST', `/api/conversations/${a.id}/reject`)).status).toBe(204)
    expect(await cleoRow()).toMatchObject({ missed_offers: 0 })
    const b = await startChat(s.url, 'solo')
    await expireNow()
    const c = await startChat(s.url, 'solo')
    expect((await cleo.req('POST', `/api/conversations/${c.id}/accept`)).status).toBe(200)
    expect(await cleoRow()).toMatchObject({ presence: 'available', missed_offers: 0 })
    expect((await state(s, b.id)).state).toBe('queued')

    expect((await admin.req('PUT', '/api/admin/settings/work', { missedOffersAway: 0, waitWarnMinutes: 3, waitUrgentMinutes: 3 })).status).toBe(400)
    expect((await admin.req('PUT', '/api/admin/settings/work', { missedOffersAway: 0, waitWarnMinutes: 3, waitUrgentMinutes: 6 })).body.work.missedOffersAway).toBe(0)
    expect((await cleo.req('PUT', '/api/admin/settings/work', { missedOffersAway: 0, waitWarnMinutes: 3, waitUrgentMinutes: 6 })).status).toBe(403)
    for (let i = 0; i < 3; i++) {
      await startChat(s.url, 'solo')
      await expireNow()
    }
    expect(await cleoRow()).toMatchObject({ presence: 'available', missed_offers: 3 })
  })
})
