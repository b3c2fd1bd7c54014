// Issue 10, point 11: nothing a client sends gets a 5xx or stops the server. Property-based
// (fast-check): every route the app registers (collected as they register, so routes added later
// are covered without editing this file) gets generated paths, query strings, bodies and headers
// as a stranger, a customer, an agent and an admin; then the server must still answer /api/health.
// Reproduce a failure with FUZZ_SEED=<seed printed by fast-check>; FUZZ_RUNS scales the run.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import type { RouteOptions } from 'fastify'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../plugins/auth.js'
import {
  ADMIN_PASSWORD, Client, createAgent, createQueue, signIn, startChat, startTestServer, type TestServer,
} from './helpers.js'

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined
/** HTTP requests in all, spread evenly over the routes. */
const HTTP_REQUESTS = Number(process.env.FUZZ_RUNS ?? 2000)
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082', 'hex')

type Json = ReturnType<typeof JSON.parse>
type Schema = Record<string, Json>
interface Route { method: string; url: string; schema: { body?: Schema; params?: Schema; querystring?: Schema } }
type Role = 'stranger' | 'customer' | 'agent' | 'admin'

/** Printable ASCII only: what an HTTP header value may carry (fetch refuses the rest before sending). */
const headerText = fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))

/** Text a client might type or forge: any Unicode, control and bidi characters, lone surrogates. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '\ud800', '..', '../../etc/passwd', '%', '%zz', '%00', "'; drop table users; --", '{}', '[]', 'null', '__proto__', 'constructor', 'x'.repeat(300)),
)

/** Numbers at the edges of what columns and JSON hold. */
const edgeNumber = fc.oneof(
  fc.integer(), fc.double(), fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, -(2 ** 53), 2 ** 63, 1e308, -0, 0.5),
)

/**
 * Values near a JSON schema: mostly valid for it (so requests get past validation into the
 * handler), sometimes anything at all. `ids` are real ids of this database, so references hit rows.
 */
function near(schema: Schema | undefined, ids: string[], depth = 0, clean = false): fc.Arbitrary<Json> {
  const anything = fc.oneof(fc.jsonValue({ maxDepth: 3 }), anyText, edgeNumber)
  if (!schema || typeof schema !== 'object' || depth > 5) return clean ? fc.constant({}) : anything
  const valid = ((): fc.Arbitrary<Json> => {
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]))
    if (Array.isArray(schema.anyOf)) return fc.oneof(...(schema.anyOf as Schema[]).map((s) => near(s, ids, depth + 1, clean)))
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
    switch (type) {
      case 'string': {
        // Real ids mostly: references that hit rows reach deeper into the handlers.
        if (schema.format === 'uuid') return fc.oneof({ arbitrary: fc.constantFrom(...ids), weight: clean ? 3 : 1 }, { arbitrary: fc.uuid(), weight: 1 })
        if (schema.format === 'email') return fc.emailAddress()
        if (schema.format === 'uri') return fc.oneof(fc.webUrl(), fc.constant('https://127.0.0.1/x'))
        if (typeof schema.pattern === 'string') {
          const max = typeof schema.maxLength === 'number' ? schema.maxLength : 200
          return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= max)
        }
        return fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 60) })
      }
      case 'integer':
        return fc.oneof(fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 2 ** 40 }), edgeNumber.map(Math.trunc))
      case 'number':
        return edgeNumber
      case 'boolean':
        return fc.boolean()
      case 'null':
        return fc.constant(null)
      case 'array':
        return fc.array(near(schema.items as Schema, ids, depth + 1, clean), { maxLength: Math.min(schema.maxItems ?? 5, 5) })
      case 'object': {
        const props = (schema.properties ?? {}) as Record<string, Schema>
        const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, near(v, ids, depth + 1, clean)]))
        return fc.record(model, { requiredKeys: (schema.required ?? []) as string[] })
      }
      default:
        return anything
    }
  })()
  if (clean) return valid
  // Mostly valid, more so deeper down, so whole bodies often pass validation and reach the handler.
  return fc.oneof({ arbitrary: valid, weight: depth === 0 ? 4 : 12 }, { arbitrary: anything, weight: 1 })
}

/** A generated value as text (objects from fc.jsonValue may have no prototype, so no String()). */
const text = (v: Json): string => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v))

/** A path for the route: each :param a real id, a random one, or something odd. */
function pathFor(route: Route, ids: string[], clean = false): fc.Arbitrary<string> {
  const parts = route.url.split('/').map((seg) => {
    if (!seg.startsWith(':')) return fc.constant(seg)
    const name = seg.slice(1)
    const schema = (route.schema.params?.properties as Record<string, Schema> | undefined)?.[name]
    if (clean) return schema ? near(schema, ids, 0, true).map((v) => encodeURIComponent(text(v))) : fc.constantFrom('support', 'billing', ...ids)
    return fc.oneof(
      { arbitrary: near(schema, ids).map((v) => encodeURIComponent(text(v).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'))), weight: 4 },
      { arbitrary: fc.constantFrom('support', 'nope', '%', '%zz', '..', '%2e%2e', 'a%00b', '%E0%A4%A', 'y'.repeat(300)), weight: 1 },
    )
  })
  return fc.tuple(...parts).map((p) => p.join('/'))
}

function queryFor(route: Route, ids: string[], clean = false): fc.Arbitrary<string> {
  const schema = route.schema.querystring
  const fields = clean ? near(schema, ids, 0, true).map((v) => v as Record<string, Json>) : fc.oneof(
    near(schema, ids).map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : { q: v })),
    fc.dictionary(fc.constantFrom('view', 'limit', 'beforeSeq', 'token', 'order', 'before', 'after', '__proto__', 'x'), anyText, { maxKeys: 3 }),
  )
  return fc.option(fields, { freq: 3 }).map((f) => {
    if (!f) return ''
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(f)) {
      for (const one of Array.isArray(v) ? v : [v]) qs.append(k, text(one))
    }
    const s = qs.toString()
    return s ? `?${s}` : ''
  })
}

interface Shot {
  role: Role
  path: string
  query: string
  body: { kind: 'json'; value: Json } | { kind: 'text'; value: string } | { kind: 'form'; fields: [string, string][]; file: boolean; fileName: string; fileBytes: 'png' | 'text' | 'empty' } | { kind: 'none' }
  contentType: string | undefined
  origin: string | undefined
  site: string | undefined
  cookie: 'own' | 'none' | string
  authorization: 'own' | 'none' | string
  range: string | undefined
}

describe('fuzz: no input gets a 5xx', () => {
  let s: TestServer
  let staticDir: string
  const routes: Route[] = []
  const ids: string[] = []
  const users: Record<'agent' | 'admin', { id: string; cookie: string }> = { agent: { id: '', cookie: '' }, admin: { id: '', cookie: '' } }
  let customerToken = ''

  beforeAll(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'parley-fuzz-static-'))
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Parley</title>')
    s = await startTestServer({
      env: { STATIC_DIR: staticDir, CHAT_START_LIMIT: '100000', LOGIN_LIMIT: '100000', LOGIN_ADDRESS_LIMIT: '100000', LOGIN_USERNAME_LIMIT: '100000', TRUST_PROXY: '1' },
      onRoute: (r: RouteOptions) => {
        for (const method of [r.method].flat()) {
          routes.push({ method, url: r.url, schema: (r.schema ?? {}) as Route['schema'] })
        }
      },
    })
    // Rows for references to hit: queues, agents, chats in each state, a file.
    const billing = await createQueue(s, 'billing')
    const agentId = await createAgent(s, 'fuzzy', { queues: ['support', 'billing'] })
    const agent = await signIn(s.url, 'fuzzy', 'secret-pass')
    const admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
    const adminId = (await admin.req('GET', '/api/auth/me')).body.user.id as string
    users.agent = { id: agentId, cookie: agent.cookie }
    users.admin = { id: adminId, cookie: admin.cookie }
    const queued = await startChat(s.url)
    const picked = await startChat(s.url)
    const ended = await startChat(s.url, 'billing')
    await agent.req('POST', `/api/conversations/${picked.id}/pick`)
    await agent.req('POST', `/api/conversations/${ended.id}/pick`)
    await agent.req('POST', `/api/conversations/${ended.id}/end`)
    customerToken = picked.token
    const form = new FormData()
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'dot.png')
    const up = await new Client(s.url, picked.token).req('POST', '/api/public/conversation/attachments', form)
    const supportId = (await s.ctx.db.selectFrom('queues').select('id').where('address', '=', 'support').executeTakeFirstOrThrow()).id
    ids.push(queued.id, picked.id, ended.id, agentId, adminId, billing, supportId, up.body?.attachment?.id ?? randomUUID(), '00000000-0000-0000-0000-000000000000')
  }, 60_000)

  afterAll(async () => {
    await s?.close()
    rmSync(staticDir, { recursive: true, force: true })
  })

  /** The fuzz may sign its own users out (a password reset, a deactivation): put them back before each request. */
  async function keepSignedIn() {
    for (const role of ['agent', 'admin'] as const) {
      const u = users[role]
      await s.ctx.db.updateTable('users').set({ active: 1, role: role === 'admin' ? 'admin' : 'agent' }).where('id', '=', u.id).execute()
      const token = u.cookie.split('=')[1] ?? ''
      const res = await fetch(`${s.url}/api/auth/me`, { headers: { cookie: u.cookie } })
      await res.arrayBuffer()
      if (res.status !== 200 || !token) u.cookie = `parley_session=${(await createSession(s.ctx, u.id)).token}`
    }
    // Push devices the fuzz registers would make the server call out to generated addresses.
    await s.ctx.db.deleteFrom('push_devices').execute()
  }

  async function send(route: Route, shot: Shot): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {}
    const own = shot.role === 'agent' || shot.role === 'admin' ? users[shot.role].cookie : ''
    if (shot.cookie === 'own' && own) headers.cookie = own
    else if (shot.cookie !== 'own' && shot.cookie !== 'none') headers.cookie = shot.cookie
    if (shot.authorization === 'own' && shot.role === 'customer') headers.authorization = `Bearer ${customerToken}`
    else if (shot.authorization !== 'own' && shot.authorization !== 'none') headers.authorization = shot.authorization
    if (shot.origin !== undefined) headers.origin = shot.origin
    if (shot.site !== undefined) headers['sec-fetch-site'] = shot.site
    if (shot.range !== undefined) headers.range = shot.range
    let body: string | FormData | undefined
    const b = shot.body
    if (b.kind === 'json') body = JSON.stringify(b.value) ?? 'null'
    else if (b.kind === 'text') body = b.value
    else if (b.kind === 'form') {
      const form = new FormData()
      for (const [k, v] of b.fields) form.append(k, v)
      const bytes = b.fileBytes === 'png' ? PNG : b.fileBytes === 'text' ? Buffer.from('hello') : Buffer.alloc(0)
      if (b.file) form.append('file', new Blob([bytes]), b.fileName)
      body = form
    }
    if (shot.contentType !== undefined && b.kind !== 'form') headers['content-type'] = shot.contentType
    const canHaveBody = route.method !== 'GET' && route.method !== 'HEAD'
    const res = await fetch(s.url + shot.path + shot.query, {
      method: route.method, headers, body: canHaveBody ? body : undefined, signal: AbortSignal.timeout(15_000),
    })
    return { status: res.status, text: await res.text() }
  }

  /** Well-formed requests from whoever the route is for, with schema-valid bodies: they reach the handlers' logic. */
  function cleanShots(route: Route): fc.Arbitrary<Shot> {
    return fc.record({
      role: fc.constant<Role>(route.url.startsWith('/api/admin') ? 'admin' : route.url.startsWith('/api/public') ? 'customer' : 'agent'),
      path: pathFor(route, ids, true),
      query: route.schema.querystring ? queryFor(route, ids, true) : fc.constant(''),
      body: near(route.schema.body, ids, 0, true).map((value) => ({ kind: 'json' as const, value })),
      contentType: fc.constant('application/json'),
      origin: fc.constant(undefined), site: fc.constant(undefined), cookie: fc.constant('own'), authorization: fc.constant('own'), range: fc.constant(undefined),
    })
  }

  /** Clean requests and anything at all, two to one. */
  function shots(route: Route): fc.Arbitrary<Shot> {
    return fc.oneof({ arbitrary: cleanShots(route), weight: 2 }, { arbitrary: noisyShots(route), weight: 1 })
  }

  function noisyShots(route: Route): fc.Arbitrary<Shot> {
    const body: fc.Arbitrary<Shot['body']> = fc.oneof(
      { arbitrary: near(route.schema.body, ids).map((value) => ({ kind: 'json' as const, value })), weight: 6 },
      { arbitrary: fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', '\ufeff{}').map((value) => ({ kind: 'text' as const, value })), weight: 1 },
      {
        arbitrary: fc.record({
          fields: fc.array(fc.tuple(fc.constantFrom('recorded', 'file', 'x', ''), fc.constantFrom('1', '0', 'true', '')), { maxLength: 3 }),
          file: fc.boolean(), fileName: anyText, fileBytes: fc.constantFrom('png' as const, 'text' as const, 'empty' as const),
        }).map((f) => ({ kind: 'form' as const, ...f })),
        weight: 1,
      },
      { arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 },
    )
    return fc.record({
      // Mostly whoever the route is for, so requests get past the sign-in check.
      role: fc.oneof(
        { arbitrary: fc.constant<Role>(route.url.startsWith('/api/admin') ? 'admin' : route.url.startsWith('/api/public') ? 'customer' : 'agent'), weight: 3 },
        { arbitrary: fc.constantFrom<Role>('stranger', 'customer', 'agent', 'admin'), weight: 1 },
      ),
      path: pathFor(route, ids),
      query: queryFor(route, ids),
      body,
      contentType: fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 6 },
        { arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x', 'APPLICATION/JSON; charset=utf-16', 'application/json;;', 'application/octet-stream', ''), weight: 2 },
        { arbitrary: headerText, weight: 1 },
      ),
      origin: fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: fc.constantFrom('http://localhost:8080', 'https://evil.example.com', 'null', 'http://127.0.0.1:1'), weight: 1 }, { arbitrary: headerText, weight: 1 }),
      site: fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none'), weight: 1 }, { arbitrary: headerText, weight: 1 }),
      cookie: fc.oneof({ arbitrary: fc.constant('own'), weight: 6 }, { arbitrary: fc.constantFrom('none', 'parley_session=', 'parley_session=x; parley_session=y', `parley_session=${'a'.repeat(4000)}`), weight: 1 }, { arbitrary: headerText, weight: 1 }),
      authorization: fc.oneof({ arbitrary: fc.constant('own'), weight: 6 }, { arbitrary: fc.constantFrom('none', 'Bearer ', 'Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Basic YWRtaW46YWRtaW4='), weight: 1 }, { arbitrary: headerText, weight: 1 }),
      range: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=5-2', 'bytes=99999999999999999999-', 'bytes=-99999999999999999999', 'bytes=0-1,2-3', 'bytes=x'), weight: 1 }),
    })
  }

  it('every route answers generated requests with a status below 500 and a JSON error body', async () => {
    expect(routes.length).toBeGreaterThan(30)
    // HEAD twins and static files get a few runs; the API routes share the rest.
    const minor = (r: Route) => r.method === 'HEAD' || !r.url.startsWith('/api/')
    const runsFor = (r: Route) => (minor(r) ? 5 : Math.max(5, Math.ceil((HTTP_REQUESTS - 5 * routes.filter(minor).length) / routes.filter((x) => !minor(x)).length)))
    const started = Date.now()
    let sent = 0
    let restore = true
    const statuses = new Map<number, number>()
    for (const route of routes) {
      await fc.assert(fc.asyncProperty(shots(route), async (shot) => {
        if (restore) await keepSignedIn()
        const res = await send(route, shot)
        sent++
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        // Only what can sign our users out or register a push device needs undoing.
        restore = res.status === 401 || res.status === 403 || /^\/api\/(admin\/users|auth\/logout|push\/devices|admin\/devices)/.test(route.url)
        const where = `${route.method} ${route.url} → ${res.status} ${res.text.slice(0, 300)}`
        expect(res.status, where).toBeLessThan(500)
        if (res.status >= 400 && route.method !== 'HEAD') expect(JSON.parse(res.text), where).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } })
      }), { numRuns: runsFor(route), seed: SEED, endOnFailure: true })
    }
    const health = await new Client(s.url).req('GET', '/api/health')
    expect(health.status).toBe(200)
    console.info(`fuzz: ${sent} requests over ${routes.length} routes in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`)
  }, 240_000)

  /** A frame a client could send: well-formed ones with odd fields, any JSON, text, binary. */
  const frame = fc.oneof(
    fc.record({
      type: fc.constantFrom('hello', 'typing', 'viewing', 'ping', 'ack', '__proto__', 'constructor', 'toString'),
      cursor: fc.oneof(edgeNumber, anyText, fc.constant(null)),
      token: fc.oneof(anyText, fc.constant(null)),
      conversationId: fc.oneof(fc.constantFrom(...['x']), fc.uuid(), anyText, fc.constant(null)),
      deviceId: fc.oneof(fc.uuid(), anyText, fc.constant(null), edgeNumber),
    }, { requiredKeys: ['type'] }).map((f) => JSON.stringify(f)),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
    fc.constantFrom('null', 'true', '0', '""', '[]', '{}', '{"type":null}', '{"type":{}}', '{"type":"hello","cursor":{}}', '{"type":"typing"}', '{"type":"viewing","conversationId":{}}'),
    anyText,
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  )

  // Before every frame was checked by a schema (issue 10 point 1), one `null` frame stopped the process.
  it('socket frames from strangers, customers and agents never stop the server', async () => {
    // In this process a throw in a socket handler is an uncaught exception (in production it ends the process).
    const crashes: unknown[] = []
    const onCrash = (err: unknown) => void crashes.push(err)
    process.on('uncaughtException', onCrash)
    let sockets = 0
    try {
      await fc.assert(fc.asyncProperty(
        fc.constantFrom<Role>('stranger', 'customer', 'agent'),
        fc.array(frame, { minLength: 1, maxLength: 8 }),
        async (role, frames) => {
          await keepSignedIn()
          const headers: Record<string, string> = role === 'agent' ? { cookie: users.agent.cookie } : {}
          const ws = new WebSocket(s.url.replace('http', 'ws') + '/api/ws', { headers })
          ws.on('error', () => undefined)
          await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('unexpected-response', () => reject(new Error('upgrade refused'))) })
          sockets++
          if (role === 'customer') ws.send(JSON.stringify({ type: 'hello', token: customerToken }))
          if (role === 'agent') ws.send(JSON.stringify({ type: 'hello' }))
          for (const f of frames) if (ws.readyState === ws.OPEN) ws.send(f)
          await new Promise((r) => setTimeout(r, 30))
          ws.terminate()
          expect(crashes.map(String)).toEqual([])
          expect((await fetch(`${s.url}/api/health`)).status).toBe(200)
        },
      ), { numRuns: Number(process.env.FUZZ_WS_RUNS ?? 150), seed: SEED, endOnFailure: true })
    } finally {
      process.off('uncaughtException', onCrash)
    }
    console.info(`fuzz: ${sockets} sockets`)
  }, 120_000)
})
