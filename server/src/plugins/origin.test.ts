// Issue 10, point 2: state-changing requests and the socket upgrade come only from trusted origins,
// and state-changing bodies are JSON (multipart on uploads), so a page on another origin of the
// same site cannot act with the agent's SameSite=Lax cookie.
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config.js'
import { ADMIN_PASSWORD, Client, signIn, startChat, startTestServer, TestSocket, type TestServer, signedInAgent } from '../test/helpers.js'

const PUBLIC = 'https://parley.example.com'
const LISTED = 'https://support.example.com'

/** A raw request with exactly these headers (the test client's JSON default left out). */
async function raw(s: TestServer, method: string, path: string, headers: Record<string, string>, body?: string | FormData) {
  const res = await fetch(s.url + path, { method, headers, body })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

describe('origins and content types', () => {
  let s: TestServer
  let agent: Client
  let host: string
  beforeAll(async () => {
    s = await startTestServer({ env: { PUBLIC_URL: PUBLIC, ALLOWED_ORIGINS: `${LISTED}, http://localhost:5173` } })
    host = new URL(s.url).host
    agent = await signedInAgent(s, 'olga', ['support'])
  })
  afterAll(async () => { await s.close() })

  const state = async (id: string) => (await agent.req('GET', `/api/conversations/${id}`)).body.conversation.state as string

  it('refuses a form post from another origin of the same site with 403, and nothing changes', async () => {
    const { id } = await startChat(s.url)
    for (const [type, body] of [['text/plain', '{}'], ['application/x-www-form-urlencoded', 'a=1']] as const) {
      const res = await raw(s, 'POST', `/api/conversations/${id}/pick`, {
        cookie: agent.cookie, 'content-type': type, origin: 'http://127.0.0.1:9999', 'sec-fetch-site': 'same-site',
      }, body)
      expect(res).toEqual({ status: 403, body: { error: { code: 'cross_origin', message: expect.any(String) } } })
    }
    // Even JSON (which would need a preflight) from an unlisted origin.
    const json = await raw(s, 'POST', `/api/conversations/${id}/pick`, {
      cookie: agent.cookie, 'content-type': 'application/json', origin: 'https://evil.example.com', 'sec-fetch-site': 'cross-site',
    }, '{}')
    expect(json.status).toBe(403)
    const logout = await raw(s, 'POST', '/api/auth/logout', { cookie: agent.cookie, origin: 'http://sub.example.com', 'sec-fetch-site': 'same-site', 'content-type': 'text/plain' }, '')
    expect(logout.status).toBe(403)
    expect(await state(id)).toBe('queued')
    expect((await agent.req('GET', '/api/auth/me')).status).toBe(200)
  })

  it('accepts only JSON on state-changing routes, bodyless POSTs included (415 otherwise)', async () => {
    const { id } = await startChat(s.url)
    const form = new FormData()
    form.append('x', '1')
    const cases: [Record<string, string>, string | FormData | undefined][] = [
      [{ 'content-type': 'text/plain' }, '{}'],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, 'x=1'],
      [{}, form],
      [{}, undefined],
    ]
    for (const [headers, body] of cases) {
      const res = await raw(s, 'POST', `/api/conversations/${id}/pick`, { cookie: agent.cookie, ...headers }, body)
      expect(res.status).toBe(415)
      expect(res.body.error.code).toBe('unsupported_media_type')
    }
    // Sign-out without a JSON body does not sign out.
    expect((await raw(s, 'POST', '/api/auth/logout', { cookie: agent.cookie })).status).toBe(415)
    expect((await agent.req('GET', '/api/auth/me')).status).toBe(200)
    // PATCH, PUT and DELETE too.
    const admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
    expect((await raw(s, 'PATCH', '/api/me', { cookie: agent.cookie, 'content-type': 'text/plain' }, '{"presence":"away"}')).status).toBe(415)
    expect((await raw(s, 'PUT', '/api/admin/settings/push', { cookie: admin.cookie }, undefined)).status).toBe(415)
    expect((await raw(s, 'DELETE', `/api/push/devices/${crypto.randomUUID()}`, { cookie: agent.cookie })).status).toBe(415)
    expect(await state(id)).toBe('queued')
    // Uploads take multipart, and only uploads.
    const { customer } = await startChat(s.url)
    const file = new FormData()
    file.append('file', new Blob(['hello'], { type: 'text/plain' }), 'note.txt')
    const up = await raw(s, 'POST', '/api/public/conversation/attachments', { authorization: `Bearer ${customer.bearer}` }, file)
    expect(up.body.error?.code).not.toBe('unsupported_media_type') // a .txt is not an allowed file type: that 415 is the file rules'
    expect((await raw(s, 'POST', '/api/public/conversation/attachments', { authorization: `Bearer ${customer.bearer}`, 'content-type': 'text/plain' }, 'x')).status).toBe(415)
    // The app's own way: JSON, an empty object when there is nothing to say.
    expect((await agent.req('POST', `/api/conversations/${id}/pick`)).status).toBe(200)
  })

  it('lets pages of its own origin, listed origins and non-browser clients through', async () => {
    const ok = async (headers: Record<string, string>) => {
      const res = await raw(s, 'PATCH', '/api/me', { cookie: agent.cookie, 'content-type': 'application/json', ...headers }, '{"presence":"available"}')
      return res.status
    }
    expect(await ok({ 'sec-fetch-site': 'same-origin', origin: `http://${host}` })).toBe(200)
    // A request the user started (typed URL, bookmark) and one without Fetch Metadata.
    expect(await ok({ 'sec-fetch-site': 'none' })).toBe(200)
    expect(await ok({ origin: PUBLIC })).toBe(200)
    expect(await ok({ origin: `${LISTED}`, 'sec-fetch-site': 'cross-site' })).toBe(200)
    expect(await ok({ origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site' })).toBe(200)
    // An older browser (Origin only) on the address it was served from, e.g. a LAN address.
    expect(await ok({ origin: `http://${host}` })).toBe(200)
    expect(await ok({})).toBe(200)
    // Not trusted: another port of the same host, a sibling subdomain, an opaque origin.
    expect(await ok({ origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' })).toBe(403)
    expect(await ok({ origin: 'https://evil.parley.example.com', 'sec-fetch-site': 'same-site' })).toBe(403)
    expect(await ok({ origin: 'https://evil.parley.example.com' })).toBe(403)
    expect(await ok({ origin: 'null', 'sec-fetch-site': 'cross-site' })).toBe(403)
    expect(await ok({ origin: 'null' })).toBe(403)
  })

  it('refuses a socket upgrade from another origin with 403 before it opens', async () => {
    const opened = (headers: Record<string, string>) => new Promise<number>((resolve) => {
      const ws = new WebSocket(s.url.replace('http', 'ws') + '/api/ws', { headers: { cookie: agent.cookie, ...headers } })
      ws.once('open', () => { ws.close(); resolve(101) })
      ws.once('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate() })
      ws.once('error', () => resolve(-1))
    })
    expect(await opened({ origin: 'http://127.0.0.1:9999', 'sec-fetch-site': 'same-site' })).toBe(403)
    expect(await opened({ origin: 'https://evil.example.com' })).toBe(403)
    expect(await opened({ origin: `http://${host}`, 'sec-fetch-site': 'same-origin' })).toBe(101)
    expect(await opened({ origin: LISTED, 'sec-fetch-site': 'cross-site' })).toBe(101)
    // The app's socket still works end to end.
    const sock = await TestSocket.open(s.url, {}, agent.cookie)
    expect((await sock.until((f) => f.type === 'ready')).type).toBe('ready')
    sock.close()
  })

  it('reads ALLOWED_ORIGINS as origins and refuses anything else at start', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://A.example.com:443/ , http://b.example.com:8080' }).allowedOrigins)
      .toEqual(['https://a.example.com', 'http://b.example.com:8080'])
    expect(loadConfig({}).allowedOrigins).toEqual([])
    for (const bad of ['example.com', 'https://a.example.com/path', 'ftp://a.example.com', '*']) {
      expect(() => loadConfig({ ALLOWED_ORIGINS: bad })).toThrow(/ALLOWED_ORIGINS/)
    }
  })
})
