// Issue 10, point 6: customer identity is earned, not typed.
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Client, createAgent, signIn, startChat, type TestServer, withServer } from '../../test/helpers.js'

const deviceKey = () => randomBytes(32).toString('base64url')
/** What the company's website computes on its server (docs/security.md shows the same). */
const userHash = (secret: string, userId: string) => createHmac('sha256', secret).update(userId, 'utf8').digest('hex')

describe('customer identity', () => {
  let s: TestServer
  let admin: Client
  const secret = randomBytes(32).toString('base64url')
  withServer(async (server, signedIn) => {
    s = server; admin = signedIn
  })

  const details = async (id: string) => (await admin.req('GET', `/api/conversations/${id}/customer`)).body.customer
  const history = async (id: string) => (await admin.req('GET', `/api/conversations/${id}/history`)).body.conversations.map((c: { id: string }) => c.id)

  it('typing someone else\'s email changes nothing of theirs and shows nothing of theirs', async () => {
    const email = `real.${randomUUID().slice(0, 8)}@example.com`
    const real = await startChat(s.url, 'support', 'Real Name', email, { phone: '+358 40 111' })
    await real.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'my private order 1234' })
    const intruder = await startChat(s.url, 'support', 'Mallory', email, { phone: '+1 555 999' })

    // The first person's chat still carries what they typed.
    const first = (await admin.req('GET', `/api/conversations/${real.id}`)).body.conversation
    expect(first.customer).toMatchObject({ name: 'Real Name', email, phone: '+358 40 111' })
    expect((await real.customer.req('GET', '/api/public/conversation')).body.conversation.customerName).toBe('Real Name')
    // The second chat is a customer of its own, with no history, marked as not verified.
    expect(await history(intruder.id)).toEqual([])
    const second = await details(intruder.id)
    expect(second).toMatchObject({ name: 'Mallory', email, phone: '+1 555 999', conversationCount: 1, verification: 'none' })
    expect(second.id).not.toBe(first.customer.id)
    expect(await history(real.id)).toEqual([])
  })

  it('the same browser (device key) links chats; what is typed stays per chat; only a hash is stored', async () => {
    const key = deviceKey()
    const a = await startChat(s.url, 'support', 'Dana', 'dana@example.com', { deviceKey: key })
    const b = await startChat(s.url, 'support', 'Dana K.', 'dana.k@example.com', { deviceKey: key })
    const other = await startChat(s.url, 'support', 'Dana', 'dana@example.com', { deviceKey: deviceKey() })
    expect(await history(b.id)).toEqual([a.id])
    expect(await history(other.id)).toEqual([])
    expect(await details(b.id)).toMatchObject({ name: 'Dana K.', email: 'dana.k@example.com', verification: 'device', conversationCount: 2 })
    expect((await admin.req('GET', `/api/conversations/${a.id}`)).body.conversation.customer).toMatchObject({ name: 'Dana', email: 'dana@example.com' })
    const rows = await s.ctx.db.selectFrom('customers').select('identity_key').where('identity_key', 'is not', null).execute()
    expect(JSON.stringify(rows)).not.toContain(key)
    expect(rows.map((r) => r.identity_key)).toContain(`device:${createHash('sha256').update(key).digest('hex')}`)
    // A malformed key is refused like any bad field.
    const bad = await new Client(s.url).req('POST', '/api/public/queues/support/conversations', { name: 'X', deviceKey: 'short' })
    expect(bad.status).toBe(400)
  })

  it('the admin sets the website secret write-only; a signed user id links chats across browsers', async () => {
    expect((await admin.req('GET', '/api/admin/settings/identity')).body.identity).toEqual({ enabled: false, secretHint: null })
    expect((await admin.req('PUT', '/api/admin/settings/identity', { secret: 'too-short' })).status).toBe(400)
    expect((await admin.req('PUT', '/api/admin/settings/identity', {})).status).toBe(400)
    const put = await admin.req('PUT', '/api/admin/settings/identity', { secret })
    expect(put.status).toBe(200)
    expect(put.body.identity).toEqual({ enabled: true, secretHint: `…${secret.slice(-4)}` })
    expect(JSON.stringify((await admin.req('GET', '/api/admin/settings/identity')).body)).not.toContain(secret.slice(0, 8))
    await createAgent(s, 'plainagent', { queues: ['support'] })
    const agent = await signIn(s.url, 'plainagent', 'secret-pass')
    expect((await agent.req('GET', '/api/admin/settings/identity')).status).toBe(403)
    expect((await agent.req('PUT', '/api/admin/settings/identity', { secret: null })).status).toBe(403)

    const userId = `user-${randomUUID()}`
    const a = await startChat(s.url, 'support', 'Web User', undefined, { userId, userHash: userHash(secret, userId), deviceKey: deviceKey() })
    const b = await startChat(s.url, 'support', 'Web User on phone', undefined, { userId, userHash: userHash(secret, userId), deviceKey: deviceKey() })
    expect(await details(b.id)).toMatchObject({ verification: 'website', externalId: userId, conversationCount: 2 })
    expect(await history(b.id)).toEqual([a.id])

    // A forged or someone else's signature proves nothing: its own customer, no history.
    const forged = await startChat(s.url, 'support', 'Forger', undefined, { userId, userHash: userHash('guessed-secret-guessed-secret', userId) })
    const reused = await startChat(s.url, 'support', 'Replayer', undefined, { userId: `${userId}x`, userHash: userHash(secret, userId) })
    for (const c of [forged, reused]) {
      expect(await details(c.id)).toMatchObject({ verification: 'none', externalId: null, conversationCount: 1 })
      expect(await history(c.id)).toEqual([])
    }
    // Removing the secret stops verification; earlier links stay.
    expect((await admin.req('PUT', '/api/admin/settings/identity', { secret: null })).body.identity).toEqual({ enabled: false, secretHint: null })
    const after = await startChat(s.url, 'support', 'Web User', undefined, { userId, userHash: userHash(secret, userId) })
    expect(await details(after.id)).toMatchObject({ verification: 'none', conversationCount: 1 })
    expect(await history(b.id)).toEqual([a.id])
  })

  it('two first chats of one browser at once make one customer', async () => {
    const key = deviceKey()
    const chats = await Promise.all(['Ann', 'Bea', 'Cy'].map((n) => startChat(s.url, 'support', `Racer ${n}`, undefined, { deviceKey: key })))
    const ids = new Set(await Promise.all(chats.map(async (c) => (await details(c.id)).id)))
    expect(ids.size).toBe(1)
  })
})
