import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Client, createAgent, signIn, startChat, TestSocket, type TestServer, withServer } from '../../test/helpers.js'

describe('admin area', () => {
  let s: TestServer, admin: Client
  withServer((server, signedIn) => { s = server; admin = signedIn })

  it('is for admins only: agents get 403, strangers 401', async () => {
    await createAgent(s, 'plain')
    const agent = await signIn(s.url, 'plain', 'secret-pass')
    expect((await agent.req('GET', '/api/admin/users')).status).toBe(403)
    expect((await agent.req('POST', '/api/admin/queues', { name: 'X', address: 'x', routingMode: 'offer' })).status).toBe(403)
    expect((await new Client(s.url).req('GET', '/api/admin/queues')).status).toBe(401)
  })

  it('creates agents and queues, refuses duplicates with 409 and bad input with 400', async () => {
    const q = await admin.req('POST', '/api/admin/queues', { name: 'Sales', address: 'sales', routingMode: 'offer' })
    expect(q.status).toBe(201)
    expect(q.body.queue).toMatchObject({ name: 'Sales', address: 'sales', routingMode: 'offer', memberIds: [] })
    expect((await admin.req('POST', '/api/admin/queues', { name: 'Sales 2', address: 'sales', routingMode: 'offer' })).body.error.code).toBe('address_taken')
    for (const body of [{ name: 'A', address: 'Bad Address', routingMode: 'offer' }, { name: 'A', address: 'a', routingMode: 'random' }, { name: '', address: 'a', routingMode: 'offer' }]) {
      expect((await admin.req('POST', '/api/admin/queues', body)).status, JSON.stringify(body)).toBe(400)
    }

    const u = await admin.req('POST', '/api/admin/users', {
      username: 'Dana', displayName: 'Dana Agent', role: 'agent', password: 'long-enough-1', maxConcurrent: 3, queueIds: [q.body.queue.id],
    })
    expect(u.status).toBe(201)
    expect(u.body.user).toMatchObject({ username: 'dana', displayName: 'Dana Agent', maxConcurrent: 3, queueIds: [q.body.queue.id], active: true })
    expect(JSON.stringify(u.body)).not.toContain('scrypt')
    expect((await admin.req('POST', '/api/admin/users', { username: 'dana', displayName: 'D', role: 'agent', password: 'long-enough-1' })).body.error.code).toBe('username_taken')
    expect((await admin.req('POST', '/api/admin/users', { username: 'eve', displayName: 'E', role: 'agent', password: 'short' })).status).toBe(400)
    expect((await admin.req('POST', '/api/admin/users', { username: 'eve', displayName: 'E', role: 'root', password: 'long-enough-1' })).status).toBe(400)
    expect((await admin.req('PATCH', `/api/admin/users/${randomUUID()}`, { maxConcurrent: 2 })).status).toBe(404)
    expect((await admin.req('PATCH', `/api/admin/queues/${randomUUID()}`, { name: 'x' })).status).toBe(404)

    const dana = await signIn(s.url, 'dana', 'long-enough-1')
    expect((await dana.req('GET', '/api/conversations?view=picklist')).status).toBe(200)
  })

  it('membership changes reach an open socket; deactivation ends sessions and sockets at once', async () => {
    const created = await admin.req('POST', '/api/admin/users', { username: 'fred', displayName: 'Fred', role: 'agent', password: 'long-enough-1' })
    const fredId = created.body.user.id
    const fred = await signIn(s.url, 'fred', 'long-enough-1')
    const sock = await TestSocket.open(s.url, {}, fred.cookie)
    await sock.until((f) => f.type === 'ready')

    // Not a member of Support yet: no events. Then added: events flow.
    const support = (await admin.req('GET', '/api/admin/queues')).body.queues.find((q: any) => q.address === 'support')
    const patched = await admin.req('PATCH', `/api/admin/queues/${support.id}`, { memberIds: [...support.memberIds, fredId] })
    expect(patched.body.queue.memberIds).toContain(fredId)
    await new Promise((r) => setTimeout(r, 100))
    const chat = await startChat(s.url)
    await sock.until((f) => f.type === 'event' && f.event.conversationId === chat.id)

    expect((await admin.req('PATCH', `/api/admin/users/${fredId}`, { active: false })).body.user.active).toBe(false)
    await sock.until((f) => f.type === 'error' && f.error.code === 'deactivated')
    await new Promise<void>((r) => (sock.ws.readyState === sock.ws.CLOSED ? r() : sock.ws.once('close', () => r())))
    expect((await fred.req('GET', '/api/auth/me')).status).toBe(401)
    expect((await new Client(s.url).req('POST', '/api/auth/login', { username: 'fred', password: 'long-enough-1' })).status).toBe(401)
  })

  it('resets a password (old sessions end), sets the concurrent limit, and protects the admin from locking themselves out', async () => {
    const id = await createAgent(s, 'gina')
    const gina = await signIn(s.url, 'gina', 'secret-pass')
    const res = await admin.req('PATCH', `/api/admin/users/${id}`, { password: 'brand-new-pass', maxConcurrent: 7 })
    expect(res.body.user.maxConcurrent).toBe(7)
    expect((await gina.req('GET', '/api/auth/me')).status).toBe(401)
    await signIn(s.url, 'gina', 'brand-new-pass')

    const me = (await admin.req('GET', '/api/auth/me')).body.user
    expect((await admin.req('PATCH', `/api/admin/users/${me.id}`, { active: false })).body.error.code).toBe('self_lockout')
    expect((await admin.req('PATCH', `/api/admin/users/${me.id}`, {})).status).toBe(400)
  })
})
