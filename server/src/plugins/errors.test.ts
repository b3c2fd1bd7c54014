// Issue 10, points 11 and 14: a write naming a missing row answers a JSON 400, never 500, whichever
// route runs into it; and page paths answer HEAD as they answer GET.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, createAgent, createQueue, signIn, startTestServer, type TestServer } from '../test/helpers.js'

describe('database refusals answer 4xx', () => {
  let s: TestServer
  beforeAll(async () => { s = await startTestServer() })
  afterAll(async () => { await s.close() })

  it('PATCH of an agent with an unknown queue id answers 400 invalid_reference and changes nothing', async () => {
    const admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
    const queueId = await createQueue(s, 'billing')
    const agentId = await createAgent(s, 'pat', { queues: ['billing'] })
    const res = await admin.req('PATCH', `/api/admin/users/${agentId}`, { displayName: 'Patricia', queueIds: [queueId, randomUUID()] })
    expect(res).toEqual({ status: 400, body: { error: { code: 'invalid_reference', message: expect.any(String) } } })
    // The whole change was rolled back: name and membership as before.
    const users = (await admin.req('GET', '/api/admin/users')).body.users as { id: string; displayName: string; queueIds: string[] }[]
    expect(users.find((u) => u.id === agentId)).toMatchObject({ displayName: 'Pat', queueIds: [queueId] })
  })

  it('a malformed or cut-off multipart upload answers 400, not 500', async () => {
    const { startChat } = await import('../test/helpers.js')
    const { token } = await startChat(s.url)
    for (const body of ['5', '--x\r\n\r\n', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG']) {
      const res = await fetch(`${s.url}/api/public/conversation/attachments`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=x' }, body,
      })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request')
    }
  })

  it('router errors (a path parameter over the length limit, a bad escape) leave as JSON errors', async () => {
    const long = await fetch(`${s.url}/api/conversations/${'y'.repeat(300)}`)
    expect(long.status).toBe(414)
    expect(await long.json()).toEqual({ error: { code: 'uri_too_long', message: expect.any(String) } })
    // A GET of the socket path without an upgrade: a bodiless 404 from the websocket plugin, given the JSON shape.
    const ws = await fetch(`${s.url}/api/ws`)
    expect(ws.status).toBe(404)
    expect(await ws.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } })
  })

  it('a duplicate answers 409, a value the column cannot hold 400', async () => {
    const { databaseRefusal } = await import('./errors.js')
    // The errors each backend raises, as the drivers shape them.
    expect(databaseRefusal(Object.assign(new Error('UNIQUE constraint failed: users.username'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))?.statusCode).toBe(409)
    expect(databaseRefusal(Object.assign(new Error('duplicate key value'), { code: '23505' }))?.statusCode).toBe(409)
    expect(databaseRefusal(Object.assign(new Error('FOREIGN KEY constraint failed'), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }))?.statusCode).toBe(400)
    expect(databaseRefusal(Object.assign(new Error('violates foreign key constraint'), { code: '23503' }))?.statusCode).toBe(400)
    expect(databaseRefusal(Object.assign(new Error('integer out of range'), { code: '22003' }))?.statusCode).toBe(400)
    expect(databaseRefusal(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }))).toBeUndefined()
    // And for real, on this backend: a duplicate primary key reaching the handler.
    const dup = await s.ctx.db.insertInto('settings').values({ key: 'x', value: '1' }).execute().then(
      () => s.ctx.db.insertInto('settings').values({ key: 'x', value: '2' }).execute(),
    ).then(() => undefined, (err: unknown) => err)
    expect(databaseRefusal(dup)).toMatchObject({ statusCode: 409, code: 'conflict' })
  })
})

describe('pages answer HEAD as GET', () => {
  let s: TestServer
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-static-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Parley</title><div id="app"></div>')
    writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Parley"}')
    s = await startTestServer({ env: { STATIC_DIR: dir } })
  })
  afterAll(async () => {
    await s.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a chat link, the app and a file answer HEAD with GET\'s status and headers and no body', async () => {
    for (const path of ['/chat/support', '/conversations/123', '/', '/manifest.webmanifest']) {
      const get = await fetch(s.url + path)
      const head = await fetch(s.url + path, { method: 'HEAD' })
      expect(get.status, path).toBe(200)
      expect(head.status, path).toBe(200)
      expect(head.headers.get('content-type'), path).toBe(get.headers.get('content-type'))
      expect(head.headers.get('cache-control'), path).toBe(get.headers.get('cache-control'))
      expect(await head.text(), path).toBe('')
      expect((await get.text()).length, path).toBeGreaterThan(0)
    }
    expect((await fetch(s.url + '/chat/support')).headers.get('content-type')).toMatch(/^text\/html/)
    // What is not a page stays a 404 either way.
    for (const path of ['/api/nope', '/missing.js']) {
      expect((await fetch(s.url + path, { method: 'HEAD' })).status, path).toBe(404)
      expect((await fetch(s.url + path)).status, path).toBe(404)
    }
  })
})
