// Test helpers: a real app on a real database (a fresh SQLite directory, or a fresh PostgreSQL
// schema when TEST_DATABASE_URL is set), listening on a random loopback port.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import { afterAll, beforeAll } from 'vitest'
import { freshSchema } from './pgSchema.js'
import { buildApp, type BuiltApp } from '../app.js'
import { loadConfig } from '../config.js'
import { bootstrap } from '../services/bootstrap.js'
import { hashPassword } from '../services/passwords.js'
import type { ServerFrame } from '../api-types.js'
import type { RealtimeOptions } from '../services/realtime.js'

export const ADMIN_PASSWORD = 'admin-pass-123'

export interface TestServer extends BuiltApp {
  url: string
  dataDir: string
  /** The PostgreSQL URL (with its own schema) when TEST_DATABASE_URL is set; a second app can open the same database. */
  databaseUrl: string | undefined
  close(): Promise<void>
}

export interface TestServerOptions {
  /** Turns the request log on (level info) and writes its lines here. */
  logStream?: { write(line: string): void }
  /** Sees every route as it is registered. */
  onRoute?: (route: import('fastify').RouteOptions) => void
  /** Extra environment for loadConfig (e.g. limits a test wants small). */
  env?: Record<string, string>
  /** A local fake push service (see BuildOptions.testPushService). */
  testPushService?: { origin: string; agent: import('node:https').Agent }
  /** Socket limits and timings (shortened by tests). */
  realtime?: Partial<RealtimeOptions>
  /**
   * Another process of the same install: the same database (PostgreSQL schema or SQLite data
   * directory). The first server owns it and removes it when it closes.
   */
  shareDatabaseOf?: TestServer
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const pgUrl = process.env.TEST_DATABASE_URL
  const shared = opts.shareDatabaseOf
  const dataDir = shared?.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'))
  let databaseUrl: string | undefined
  let dropSchema: (() => Promise<void>) | undefined
  if (shared) {
    databaseUrl = shared.databaseUrl
  } else if (pgUrl) {
    // One schema per test server keeps PostgreSQL tests independent, like the temp SQLite files.
    const created = await createTestSchema(pgUrl)
    databaseUrl = created.url
    dropSchema = created.drop
  }
  const config = {
    ...loadConfig({ DATA_DIR: dataDir, STATIC_DIR: '', LOG_LEVEL: opts.logStream ? 'info' : 'silent', ...opts.env }),
    databaseUrl,
  }
  const built = await buildApp(config, {
    logger: !!opts.logStream, logStream: opts.logStream, testPushService: opts.testPushService, realtime: opts.realtime, onRoute: opts.onRoute,
  })
  await bootstrap(built.ctx.db, ADMIN_PASSWORD)
  await built.app.listen({ port: 0, host: '127.0.0.1' })
  const addr = built.app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return {
    ...built,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    databaseUrl,
    async close() {
      await built.app.close()
      if (shared) return
      await dropSchema?.()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A fresh PostgreSQL schema for one test (see pgSchema.ts). */
export const createTestSchema = freshSchema

/** A tiny cookie-keeping HTTP client for one user. */
export class Client {
  cookie = ''
  constructor(readonly base: string, readonly bearer?: string) {}

  async req(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {}
    // As the app does: a state-changing request is always JSON, an empty object when it has nothing to say.
    if (body === undefined && method !== 'GET' && method !== 'HEAD') body = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (this.cookie) headers.cookie = this.cookie
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`
    if (body instanceof FormData) delete headers['content-type']
    const payload = body === undefined ? undefined : typeof body === 'string' || body instanceof FormData ? body : JSON.stringify(body)
    const res = await fetch(this.base + path, { method, headers, body: payload })
    const set = res.headers.get('set-cookie')
    if (set) this.cookie = set.split(';')[0] ?? ''
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }
}

export async function signIn(base: string, username: string, password: string): Promise<Client> {
  const c = new Client(base)
  const res = await c.req('POST', '/api/auth/login', { username, password })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`)
  return c
}

export async function createAgent(s: TestServer, username: string, opts: { queues?: string[]; password?: string; maxConcurrent?: number } = {}): Promise<string> {
  const id = randomUUID()
  await s.ctx.db.insertInto('users').values({
    id, username, display_name: username[0]!.toUpperCase() + username.slice(1), role: 'agent',
    password_hash: await hashPassword(opts.password ?? 'secret-pass'), active: 1, presence: 'available', max_concurrent: opts.maxConcurrent ?? 5, created_at: Date.now(),
  }).execute()
  for (const address of opts.queues ?? []) {
    const q = await s.ctx.db.selectFrom('queues').select('id').where('address', '=', address).executeTakeFirstOrThrow()
    await s.ctx.db.insertInto('queue_members').values({ queue_id: q.id, user_id: id }).execute()
  }
  return id
}

/** A new agent in `queues` (addresses), signed in (password 'secret-pass'). */
export async function signedInAgent(s: TestServer, username: string, queues: string[]): Promise<Client> {
  await createAgent(s, username, { queues })
  return signIn(s.url, username, 'secret-pass')
}

export async function createQueue(s: TestServer, address: string, name = address, mode: 'picklist' | 'offer' = 'picklist'): Promise<string> {
  const id = randomUUID()
  await s.ctx.db.insertInto('queues').values({ id, name, address, routing_mode: mode, created_at: Date.now() }).execute()
  return id
}

/** Starts a chat as the chat page does; `extra` adds start fields (deviceKey, userId, userHash, phone). */
export async function startChat(base: string, address = 'support', name = 'Carla Customer', email?: string, extra: Record<string, string> = {}) {
  email ??= `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${randomUUID().slice(0, 8)}@example.com`
  const res = await new Client(base).req('POST', `/api/public/queues/${address}/conversations`, { name, email, ...extra })
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { token: res.body.token as string, id: res.body.conversation.id as string, customer: new Client(base, res.body.token) }
}

/** A multipart body with one file (`file`) and any other fields, as the app uploads. */
export function fileForm(data: Buffer, name: string, fields: Record<string, string> = {}): FormData {
  const f = new FormData()
  for (const [k, v] of Object.entries(fields)) f.append(k, v)
  f.append('file', new Blob([new Uint8Array(data)]), name)
  return f
}

/** A chat started at `address` and picked by `agent`. */
export async function pickedChat(s: TestServer, agent: Client, address = 'support') {
  const chat = await startChat(s.url, address)
  await agent.req('POST', `/api/conversations/${chat.id}/pick`)
  return chat
}

/** A socket that collects frames; `until` waits for a frame matching a predicate. */
export class TestSocket {
  frames: ServerFrame[] = []
  /** Resolves when the server (or the test) closed the socket: code, reason, and when (epoch ms). */
  readonly closed: Promise<{ code: number; reason: string; at: number }>
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = []
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as ServerFrame
      this.frames.push(f)
      this.waiters = this.waiters.filter((w) => (w.pred(f) ? (w.resolve(f), false) : true))
    })
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason), at: Date.now() })))
  }

  /** An open socket that has sent nothing yet. */
  static async connect(base: string, cookie?: string): Promise<TestSocket> {
    const ws = new WebSocket(base.replace('http', 'ws') + '/api/ws', { headers: cookie ? { cookie } : {} })
    await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej) })
    return new TestSocket(ws)
  }

  static async open(base: string, hello: { cursor?: number; token?: string }, cookie?: string): Promise<TestSocket> {
    const s = await TestSocket.connect(base, cookie)
    s.ws.send(JSON.stringify({ type: 'hello', ...hello }))
    return s
  }

  until(pred: (f: ServerFrame) => boolean, ms = 5000): Promise<ServerFrame> {
    const found = this.frames.find(pred)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for frame; got ${JSON.stringify(this.frames)}`)), ms)
      this.waiters.push({ pred, resolve: (f) => { clearTimeout(t); resolve(f) } })
    })
  }

  events() {
    return this.frames.flatMap((f) => (f.type === 'event' ? [f.event] : []))
  }

  close() {
    this.ws.close()
  }
}

/**
 * One test server for the enclosing `describe`: started before its tests (`ready` gets it and the
 * signed-in admin, then does any further setup) and closed after them.
 */
export function withServer(
  ready: (s: TestServer, admin: Client) => void | Promise<void>,
  /** The server's options, or a function that gives them once earlier hooks have run. */
  opts: TestServerOptions | (() => TestServerOptions) = {},
): void {
  let server: TestServer | undefined
  beforeAll(async () => {
    server = await startTestServer(typeof opts === 'function' ? opts() : opts)
    await ready(server, await signIn(server.url, 'admin', ADMIN_PASSWORD))
  })
  afterAll(async () => { await server?.close() })
}
