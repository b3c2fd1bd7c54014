import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createAgent, createQueue, pickedChat, signIn, startChat, TestSocket, withServer, type Client, type TestServer } from '../../test/helpers.js'

describe('supervisors: All open and reassignment (issue 14, point 4)', () => {
  let s: TestServer
  let admin: Client, ann: Client, ben: Client
  let annId: string, benId: string, adminId: string
  let offersQueue: string, supportQueue: string
  withServer(async (server, a) => {
    s = server
    admin = a
    supportQueue = (await s.ctx.db.selectFrom('queues').select('id').where('address', '=', 'support').executeTakeFirstOrThrow()).id
    offersQueue = await createQueue(s, 'offers', 'Offers', 'offer')
    annId = await createAgent(s, 'ann', { queues: ['support', 'offers'] })
    benId = await createAgent(s, 'ben', { queues: ['support'], maxConcurrent: 1 })
    ann = await signIn(s.url, 'ann', 'secret-pass')
    ben = await signIn(s.url, 'ben', 'secret-pass')
    adminId = (await admin.req('GET', '/api/auth/me')).body.user.id
  })
  const thread = async (c: Client, id: string) => (await c.req('GET', `/api/conversations/${id}/messages`)).body.messages.map((m: any) => m.text)
  const reassign = (id: string, body: Record<string, unknown>, as = admin) => as.req('POST', `/api/admin/conversations/${id}/reassign`, { clientId: randomUUID(), ...body })

  it('All open lists every open conversation in every queue with its agent and waiting time, waiting longest first', async () => {
    const first = await pickedChat(s, ann)
    await first.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Hello?' })
    const second = await startChat(s.url, 'support')
    await second.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'Anyone?' })
    const quiet = await startChat(s.url, 'support')
    const ended = await pickedChat(s, ben)
    await ben.req('POST', `/api/conversations/${ended.id}/end`)

    const open = (await admin.req('GET', '/api/admin/open')).body.conversations
    const ids = open.map((c: any) => c.id)
    expect(ids).not.toContain(ended.id)
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id))
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(quiet.id))
    expect(open.find((c: any) => c.id === first.id)).toMatchObject({ state: 'picked', agentId: annId, agentName: 'Ann' })
    expect(open.find((c: any) => c.id === first.id).waitingSince).toBeGreaterThan(0)
    expect(open.find((c: any) => c.id === quiet.id).waitingSince).toBeNull()
    expect((await ann.req('GET', '/api/admin/open')).status).toBe(403)
    for (const id of [first.id, second.id, quiet.id]) await reassign(id, { action: 'queue' }) // start the next test from queued chats
  })

  it('moves a chat to another agent directly, as an offer, back to its queue, or to the admin; each move is in the thread and reaches every client', async () => {
    const chat = await pickedChat(s, ann)
    const annSocket = await TestSocket.open(s.url, {}, ann.cookie)
    const adminSocket = await TestSocket.open(s.url, {}, admin.cookie)
    await Promise.all([annSocket.until((f) => f.type === 'ready'), adminSocket.until((f) => f.type === 'ready')])

    // Directly to Ben.
    const clientId = randomUUID()
    const moved = await admin.req('POST', `/api/admin/conversations/${chat.id}/reassign`, { clientId, action: 'assign', agentId: benId })
    expect(moved.status).toBe(200)
    expect(moved.body.conversation).toMatchObject({ state: 'picked', agentId: benId })
    // Ann's devices see it leave her Conversations; the admin's All open sees it move.
    await annSocket.until((f) => f.type === 'event' && f.event.type === 'conversation.updated' && (f.event.data.conversation as any).agentId === benId)
    await adminSocket.until((f) => f.type === 'supervisor' && f.conversation.id === chat.id && f.conversation.agentId === benId)
    expect((await ann.req('GET', '/api/conversations?view=conversations')).body.conversations.map((c: any) => c.id)).not.toContain(chat.id)
    expect((await ben.req('GET', '/api/conversations?view=conversations')).body.conversations.map((c: any) => c.id)).toContain(chat.id)
    expect(await thread(ben, chat.id)).toContain('Reassigned to Ben by Admin')
    // Idempotent per clientId: the repeat changes nothing and writes no second line.
    const again = await admin.req('POST', `/api/admin/conversations/${chat.id}/reassign`, { clientId, action: 'assign', agentId: benId })
    expect(again.status).toBe(200)
    expect((await thread(ben, chat.id)).filter((t: string) => t === 'Reassigned to Ben by Admin')).toHaveLength(1)
    expect((await reassign(chat.id, { action: 'assign', agentId: benId })).body.error.code).toBe('same_agent')

    // As an offer to Ann: she must be able to take it; Ben (full, limit 1) can't be offered another.
    const offered = await reassign(chat.id, { action: 'offer', agentId: annId })
    expect(offered.body.conversation).toMatchObject({ state: 'offered', offeredTo: annId, agentId: null })
    expect(await thread(ann, chat.id)).toContain('Offered to Ann by Admin')
    expect((await ann.req('POST', `/api/conversations/${chat.id}/accept`)).status).toBe(200)
    const other = await pickedChat(s, ben)
    expect((await reassign(chat.id, { action: 'offer', agentId: benId })).body.error.code).toBe('agent_unavailable')
    // Directly, the limit and Away don't stop it (the admin decides); membership does.
    await ben.req('PATCH', '/api/me', { presence: 'away' })
    expect((await reassign(chat.id, { action: 'assign', agentId: benId })).status).toBe(200)
    const outsider = await createAgent(s, 'cleo', { queues: ['offers'] })
    expect((await reassign(chat.id, { action: 'assign', agentId: outsider })).body.error.code).toBe('agent_unavailable')
    expect((await reassign(chat.id, { action: 'offer' })).status).toBe(400)
    expect((await reassign(chat.id, { action: 'assign', agentId: randomUUID() })).status).toBe(404)

    // Take-over needs the admin in the queue.
    await admin.req('PATCH', `/api/admin/users/${adminId}`, { queueIds: [] })
    expect((await reassign(chat.id, { action: 'takeover' })).body.error.code).toBe('not_member')
    await admin.req('PATCH', `/api/admin/users/${adminId}`, { queueIds: [supportQueue] })
    const taken = await reassign(chat.id, { action: 'takeover' })
    expect(taken.body.conversation).toMatchObject({ state: 'picked', agentId: adminId })
    expect(await thread(admin, chat.id)).toContain('Admin took over the chat')

    // Back to its queue (Picklist), or to another queue (offered there by its routing).
    const back = await reassign(chat.id, { action: 'queue' })
    expect(back.body.conversation).toMatchObject({ state: 'queued', agentId: null })
    expect(await thread(admin, chat.id)).toContain('Returned to Support by Admin')
    const elsewhere = await reassign(chat.id, { action: 'queue', queueId: offersQueue })
    expect(elsewhere.body.conversation).toMatchObject({ queue: { id: offersQueue }, state: 'offered' })
    expect([annId, outsider]).toContain(elsewhere.body.conversation.offeredTo)
    expect((await reassign(chat.id, { action: 'queue', queueId: randomUUID() })).status).toBe(404)

    // Ended chats stay ended; agents can't do any of it.
    await ben.req('POST', `/api/conversations/${other.id}/end`)
    expect((await reassign(other.id, { action: 'queue' })).body.error.code).toBe('conversation_ended')
    expect((await reassign(chat.id, { action: 'queue' }, ann)).status).toBe(403)
    expect((await reassign(randomUUID(), { action: 'queue' })).status).toBe(404)
    annSocket.close()
    adminSocket.close()
  })
})
