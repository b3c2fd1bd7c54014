// Issue 10, point 8: sign-in throttling counts under the same normalized username the sign-in looks
// up, per address and username, per address and per username, in the database (shared by processes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.js'
import { loadConfig } from '../../config.js'
import { SLOW_MS } from '../../services/loginThrottle.js'
import { ADMIN_PASSWORD, createAgent, startTestServer, type TestServer } from '../../test/helpers.js'

/** One sign-in attempt from `address` (TRUST_PROXY=1 takes it from X-Forwarded-For). */
async function login(s: { url: string }, address: string, username: string, password: string) {
  const res = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ username, password }),
  })
  const body = (await res.json()) as { user?: { username: string }; error?: { code: string } }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body }
}

const failTimes = async (s: TestServer, n: number, address: string, username: string) => {
  for (let i = 0; i < n; i++) expect((await login(s, address, username, `wrong-${i}`)).status).toBe(401)
}

describe('sign-in throttling', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ env: { TRUST_PROXY: '1', LOGIN_ADDRESS_LIMIT: '30', LOGIN_USERNAME_LIMIT: '30' } })
    await createAgent(s, 'agent1', { password: 'agent1-pass' })
    await createAgent(s, 'agent2', { password: 'agent2-pass' })
  })
  afterAll(async () => { await s.close() })

  it('a re-spelt username counts against the same account: no way around the limit', async () => {
    await failTimes(s, 10, '203.0.113.1', 'agent1')
    for (const spelling of ['agent1', ' agent1', 'agent1\t', 'AGENT1', 'Agent1', 'ａｇｅｎｔ１', '\u3000agent1']) {
      const res = await login(s, '203.0.113.1', spelling, 'agent1-pass')
      expect(res.status, JSON.stringify(spelling)).toBe(429)
      expect(res.body.error?.code).toBe('rate_limited')
      expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1)
      expect(Number(res.retryAfter)).toBeLessThanOrEqual(60)
    }
    // The same person from another address is not affected.
    expect((await login(s, '203.0.113.2', 'agent1', 'agent1-pass')).status).toBe(200)
  })

  it('signs in under the normalized spelling, as the account is stored', async () => {
    for (const spelling of ['  Agent2 ', 'AGENT2', 'ａｇｅｎｔ２']) {
      const res = await login(s, '203.0.113.3', spelling, 'agent2-pass')
      expect(res.status, JSON.stringify(spelling)).toBe(200)
      expect(res.body.user?.username).toBe('agent2')
    }
    // Accounts the admin creates are stored in that spelling too.
    const admin = await login(s, '203.0.113.3', 'admin', ADMIN_PASSWORD)
    expect(admin.status).toBe(200)
  })

  it('counts failures only: a whole office signing in from one address is never throttled', async () => {
    for (let i = 0; i < 15; i++) expect((await login(s, '203.0.113.4', 'admin', ADMIN_PASSWORD)).status).toBe(200)
    await failTimes(s, 10, '203.0.113.4', 'admin')
    expect((await login(s, '203.0.113.4', 'admin', ADMIN_PASSWORD)).status).toBe(429)
  })
})

describe('sign-in throttling across usernames and addresses', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ env: { TRUST_PROXY: '1', LOGIN_ADDRESS_LIMIT: '5', LOGIN_USERNAME_LIMIT: '5' } })
    await createAgent(s, 'victim', { password: 'victim-pass' })
  })
  afterAll(async () => { await s.close() })

  it('limits one address across usernames (password spraying)', async () => {
    for (let i = 0; i < 5; i++) expect((await login(s, '198.51.100.1', `user${i}`, 'Summer2026!')).status).toBe(401)
    const sprayed = await login(s, '198.51.100.1', 'user5', 'Summer2026!')
    expect(sprayed.status).toBe(429)
    expect(Number(sprayed.retryAfter)).toBeGreaterThan(60) // the 10-minute window
    expect(Number(sprayed.retryAfter)).toBeLessThanOrEqual(600)
    // Other addresses are not affected.
    expect((await login(s, '198.51.100.2', 'user5', 'Summer2026!')).status).toBe(401)
  })

  it('slows one username guessed from many addresses, but its owner elsewhere waits seconds, not the window', async () => {
    for (let i = 0; i < 5; i++) expect((await login(s, `192.0.2.${10 + i}`, 'victim', `guess-${i}`)).status).toBe(401)
    // Past the limit, one attempt per SLOW_MS from anywhere: this guess takes the slot…
    expect((await login(s, '192.0.2.20', 'victim', 'guess-5')).status).toBe(401)
    // …so the real user, on yet another address, is asked to wait a moment…
    const owner = await login(s, '192.0.2.99', 'victim', 'victim-pass')
    expect(owner.status).toBe(429)
    expect(Number(owner.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(Number(owner.retryAfter)).toBeLessThanOrEqual(SLOW_MS / 1000)
    // …and gets in once it has passed.
    await new Promise((r) => setTimeout(r, Number(owner.retryAfter) * 1000 + 50))
    expect((await login(s, '192.0.2.99', 'victim', 'victim-pass')).status).toBe(200)
  })
})

describe('sign-in throttling with two server processes on one database', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
    await createAgent(s, 'shared', { password: 'shared-pass' })
  })
  afterAll(async () => { await s.close() })

  it('shares the counters: failures on one process count on the other', async () => {
    const config = { ...loadConfig({ DATA_DIR: s.dataDir, STATIC_DIR: '', LOG_LEVEL: 'silent' }), databaseUrl: s.databaseUrl }
    const other = await buildApp(config, { logger: false })
    try {
      await other.app.listen({ port: 0, host: '127.0.0.1' })
      const addr = other.app.server.address()
      const otherUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
      // Both see the client as 127.0.0.1.
      await failTimes(s, 6, '', 'shared')
      for (let i = 0; i < 4; i++) expect((await login({ url: otherUrl }, '', 'shared', `wrong-b${i}`)).status).toBe(401)
      expect((await login({ url: otherUrl }, '', 'shared', 'shared-pass')).status).toBe(429)
      expect((await login(s, '', 'shared', 'shared-pass')).status).toBe(429)
    } finally {
      await other.app.close()
    }
  })
})
