import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, Client, createAgent, startTestServer, type TestServer } from '../../test/helpers.js'

describe('sign-in', () => {
  let s: TestServer
  beforeAll(async () => { s = await startTestServer() })
  afterAll(async () => { await s.close() })

  it('health names the database', async () => {
    const res = await new Client(s.url).req('GET', '/api/health')
    expect(res).toEqual({ status: 200, body: { status: 'ok', db: process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite' } })
  })

  it('signs in with the right password and sets an HttpOnly SameSite session cookie', async () => {
    const res = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    })
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^parley_session=/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    const body: any = await res.json()
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin', displayName: 'Admin' })
    expect(JSON.stringify(body)).not.toContain('scrypt')

    const me = await fetch(`${s.url}/api/auth/me`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(me.status).toBe(200)
  })

  it('refuses a wrong password and an unknown user with the same 401', async () => {
    const c = new Client(s.url)
    const wrong = await c.req('POST', '/api/auth/login', { username: 'admin', password: 'nope' })
    const unknown = await c.req('POST', '/api/auth/login', { username: 'ghost', password: 'nope' })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong username or password' } })
    expect(unknown).toEqual(wrong)
    expect((await c.req('GET', '/api/auth/me')).status).toBe(401)
  })

  it('refuses a deactivated user', async () => {
    const id = await createAgent(s, 'gone')
    await s.ctx.db.updateTable('users').set({ active: 0 }).where('id', '=', id).execute()
    const res = await new Client(s.url).req('POST', '/api/auth/login', { username: 'gone', password: 'secret-pass' })
    expect(res.status).toBe(401)
  })

  it('sign-out ends the session on the server', async () => {
    const c = new Client(s.url)
    await c.req('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })
    const kept = c.cookie
    expect((await c.req('POST', '/api/auth/logout')).status).toBe(204)
    const stale = new Client(s.url)
    stale.cookie = kept
    expect((await stale.req('GET', '/api/auth/me')).status).toBe(401)
  })

  it('answers a bad body with 400 and the JSON error', async () => {
    const c = new Client(s.url)
    for (const body of [{ username: 'admin' }, { username: 'admin', password: 'x', extra: 1 }, '{not json', { username: 5, password: [] }]) {
      const res = await c.req('POST', '/api/auth/login', body)
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('bad_request')
      expect(typeof res.body.error.message).toBe('string')
    }
  })

  it('rate-limits repeated sign-in attempts', async () => {
    await createAgent(s, 'target')
    const c = new Client(s.url)
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) statuses.push((await c.req('POST', '/api/auth/login', { username: 'target', password: 'guess' + i })).status)
    expect(statuses.slice(0, 10).every((x) => x === 401)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
    const limited = await c.req('POST', '/api/auth/login', { username: 'target', password: 'secret-pass' })
    expect(limited.body.error.code).toBe('rate_limited')
  })

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await new Client(s.url).req('GET', '/api/nope')
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('not_found')
  })
})
