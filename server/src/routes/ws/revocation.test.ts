// Issue 10, point 3: revocation reaches every live connection. A socket is bound to the session it
// was opened with; whatever ends that session closes the socket within a second, on every process.
import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerFrame } from '../../api-types.js'
import { hashToken } from '../../services/conversations.js'
import { announceCustomerRevoked } from '../../services/sessions.js'
import { ADMIN_PASSWORD, createAgent, signIn, startChat, startTestServer, TestSocket, type Client, type TestServer, withServer } from '../../test/helpers.js'

const isReady = (f: ServerFrame) => f.type === 'ready'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const errorCodes = (s: TestSocket) => s.frames.flatMap((f) => (f.type === 'error' ? [f.error.code] : []))
const sessionId = (c: Client) => hashToken(decodeURIComponent(c.cookie.split('=')[1] ?? ''))

async function readySocket(url: string, cookie: string) {
  const sock = await TestSocket.open(url, {}, cookie)
  await sock.until(isReady)
  return sock
}

/** Runs `act` and resolves with how long after its start the socket closed, and how. */
async function closesWithin(sock: TestSocket, act: () => Promise<unknown>) {
  const start = Date.now()
  await act()
  const closed = await Promise.race([sock.closed, sleep(3000).then(() => undefined)])
  if (!closed) throw new Error(`socket still open 3 s after; frames ${JSON.stringify(sock.frames)}`)
  return { ms: closed.at - start, code: closed.code }
}

describe('revocation closes the sockets of ended sessions', () => {
  let s: TestServer, admin: Client
  // The periodic check is out of the way here (60 s): what closes the sockets in time is the announcement.
  withServer((server, signedIn) => { s = server; admin = signedIn })

  it('sign-out closes that session\'s sockets within 1 s, not the same user\'s other session nor a customer chat in that browser', async () => {
    await createAgent(s, 'sina', { queues: ['support'] })
    const phone = await signIn(s.url, 'sina', 'secret-pass')
    const desk = await signIn(s.url, 'sina', 'secret-pass')
    const phoneSock = await readySocket(s.url, phone.cookie)
    const deskSock = await readySocket(s.url, desk.cookie)
    const chat = await startChat(s.url)
    const custSock = await TestSocket.open(s.url, { token: chat.token }, phone.cookie)
    await custSock.until(isReady)

    const r = await closesWithin(phoneSock, () => phone.req('POST', '/api/auth/logout'))
    expect(r.code).toBe(4401)
    expect(r.ms).toBeLessThan(1000)
    expect(errorCodes(phoneSock)).toEqual(['unauthorized'])
    expect((await phone.req('GET', '/api/auth/me')).status).toBe(401)

    // The other session and the customer's chat go on.
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'still live' })
    await deskSock.until((f) => f.type === 'event' && f.event.conversationId === chat.id && f.event.type === 'message.created')
    expect(deskSock.ws.readyState).toBe(deskSock.ws.OPEN)
    expect(custSock.ws.readyState).toBe(custSock.ws.OPEN)
    // A new socket with the ended session is refused.
    const again = await TestSocket.open(s.url, {}, phone.cookie)
    expect((await again.closed).code).toBe(4401)
    deskSock.close()
    custSock.close()
  })

  it('an admin\'s password reset closes every socket of that agent; deactivation says "deactivated"', async () => {
    const id = await createAgent(s, 'rita', { queues: ['support'] })
    const a = await signIn(s.url, 'rita', 'secret-pass')
    const b = await signIn(s.url, 'rita', 'secret-pass')
    const sockA = await readySocket(s.url, a.cookie)
    const sockB = await readySocket(s.url, b.cookie)
    const start = Date.now()
    expect((await admin.req('PATCH', `/api/admin/users/${id}`, { password: 'brand-new-pass' })).status).toBe(200)
    for (const sock of [sockA, sockB]) {
      const closed = await sock.closed
      expect(closed.code).toBe(4401)
      expect(closed.at - start).toBeLessThan(1000)
      expect(errorCodes(sock)).toEqual(['unauthorized'])
    }
    expect((await a.req('GET', '/api/auth/me')).status).toBe(401)

    const c = await signIn(s.url, 'rita', 'brand-new-pass')
    const sockC = await readySocket(s.url, c.cookie)
    const r = await closesWithin(sockC, () => admin.req('PATCH', `/api/admin/users/${id}`, { active: false }))
    expect(r.ms).toBeLessThan(1000)
    expect(errorCodes(sockC)[0]).toBe('deactivated')
    expect((await c.req('GET', '/api/auth/me')).status).toBe(401)
  })

  it('blocking a push device closes the sockets of the session that registered it, and only those', async () => {
    await createAgent(s, 'bo', { queues: ['support'] })
    const phone = await signIn(s.url, 'bo', 'secret-pass')
    const laptop = await signIn(s.url, 'bo', 'secret-pass')
    const keys = { p256dh: randomBytes(65).toString('base64url'), auth: randomBytes(16).toString('base64url') }
    const dev = await phone.req('POST', '/api/push/devices', { name: 'Bo phone', subscription: { endpoint: `https://fcm.googleapis.com/fcm/send/${randomUUID()}`, keys } })
    expect(dev.status).toBe(201)
    const phoneSock = await readySocket(s.url, phone.cookie)
    const laptopSock = await readySocket(s.url, laptop.cookie)
    const r = await closesWithin(phoneSock, () => admin.req('PATCH', `/api/admin/devices/${dev.body.device.id}`, { blocked: true }))
    expect(r).toMatchObject({ code: 4401 })
    expect(r.ms).toBeLessThan(1000)
    expect((await phone.req('GET', '/api/auth/me')).status).toBe(401)
    await sleep(400) // past a periodic check too
    expect(laptopSock.ws.readyState).toBe(laptopSock.ws.OPEN)
    expect((await laptop.req('GET', '/api/auth/me')).status).toBe(200)
    laptopSock.close()
  })

  it('a session that runs out closes its socket when it expires', async () => {
    await createAgent(s, 'eve', { queues: ['support'] })
    const eve = await signIn(s.url, 'eve', 'secret-pass')
    const expiresAt = Date.now() + 700
    await s.ctx.db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', sessionId(eve)).execute()
    const sock = await readySocket(s.url, eve.cookie)
    const closed = await sock.closed
    expect(closed.code).toBe(4401)
    expect(closed.at).toBeGreaterThanOrEqual(expiresAt)
    expect(closed.at - expiresAt).toBeLessThan(1000)
    expect(errorCodes(sock)).toEqual(['unauthorized'])
    expect((await eve.req('GET', '/api/auth/me')).status).toBe(401)
  })

  it('a customer token announced revoked closes the customer\'s socket', async () => {
    const one = await startChat(s.url)
    const sockOne = await TestSocket.open(s.url, { token: one.token })
    await sockOne.until(isReady)
    const r = await closesWithin(sockOne, async () => announceCustomerRevoked(s.ctx, one.id))
    expect(r.code).toBe(4401)
    expect(r.ms).toBeLessThan(1000)
    expect(errorCodes(sockOne)).toEqual(['unauthorized'])
  })
})

describe('the periodic check closes sockets whose session or token ended unannounced', () => {
  let s: TestServer
  beforeAll(async () => { s = await startTestServer({ realtime: { sessionCheckMs: 300 } }) })
  afterAll(async () => { await s.close() })

  it('a session ended behind the server\'s back (row deleted) is found by the periodic check', async () => {
    await createAgent(s, 'dan', { queues: ['support'] })
    const dan = await signIn(s.url, 'dan', 'secret-pass')
    const sock = await readySocket(s.url, dan.cookie)
    const r = await closesWithin(sock, () => s.ctx.db.deleteFrom('sessions').where('id', '=', sessionId(dan)).execute())
    expect(r.code).toBe(4401)
    expect(r.ms).toBeLessThan(1000)
  })

  it('a customer token that stops holding closes the customer\'s socket', async () => {
    const two = await startChat(s.url)
    const sockTwo = await TestSocket.open(s.url, { token: two.token })
    await sockTwo.until(isReady)
    const r2 = await closesWithin(sockTwo, () => s.ctx.db.updateTable('conversations').set({ customer_token_hash: hashToken(randomUUID()) }).where('id', '=', two.id).execute())
    expect(r2.code).toBe(4401)
    expect(r2.ms).toBeLessThan(1000)
  })
})

describe.skipIf(!process.env.TEST_DATABASE_URL)('revocation across two server processes on one PostgreSQL', () => {
  let a: TestServer
  let b: TestServer
  beforeAll(async () => {
    // The periodic check is pushed out of the way: only the announcement can close these sockets in time.
    a = await startTestServer({ realtime: { sessionCheckMs: 600_000 } })
    b = await startTestServer({ shareDatabaseOf: a, realtime: { sessionCheckMs: 600_000 } })
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('sign-out on one process and a password reset on another close the sockets on the other within 1 s', async () => {
    const admin = await signIn(a.url, 'admin', ADMIN_PASSWORD)
    const id = await createAgent(a, 'multi', { queues: ['support'] })
    const onA = await signIn(a.url, 'multi', 'secret-pass')
    const sockOnB = await readySocket(b.url, onA.cookie) // the same session, its socket on B
    const r = await closesWithin(sockOnB, () => onA.req('POST', '/api/auth/logout'))
    expect(r.code).toBe(4401)
    expect(r.ms).toBeLessThan(1000)

    const again = await signIn(b.url, 'multi', 'secret-pass')
    const sock2 = await readySocket(b.url, again.cookie)
    const r2 = await closesWithin(sock2, () => admin.req('PATCH', `/api/admin/users/${id}`, { password: 'another-pass-1' }))
    expect(r2.code).toBe(4401)
    expect(r2.ms).toBeLessThan(1000)
    expect((await again.req('GET', '/api/auth/me')).status).toBe(401)
  })
})
