// Issue 12, point 1: the event log has no lock among writers, and still a reconnecting socket never
// skips an event that commits after one it has seen. Two apps (two buses, two pools: two processes
// as far as the database can tell) share one PostgreSQL schema; a third writer (this test) holds a
// transaction that logged an event open while app A commits a later one. Runs on PostgreSQL only:
// on SQLite the held transaction would block the other writer (one writer, ids in commit order).
import { randomUUID } from 'node:crypto'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerFrame } from '../api-types.js'
import { insertEvent } from '../db/repositories/events.js'
import type { DB } from '../db/schema.js'
import { ADMIN_PASSWORD, signIn, startChat, startTestServer, TestSocket, type Client, type TestServer } from '../test/helpers.js'

const pgUrl = process.env.TEST_DATABASE_URL
const textOf = (f: ServerFrame) => (f.type === 'event' && f.event.type === 'message.created' ? f.event.data.message.text : undefined)

describe.runIf(pgUrl)('event stream across writers on two processes', () => {
  let a: TestServer, b: TestServer
  let agentOnB: Client
  let writer: Kysely<DB>

  beforeAll(async () => {
    a = await startTestServer()
    b = await startTestServer({ shareDatabaseOf: a })
    agentOnB = await signIn(b.url, 'admin', ADMIN_PASSWORD)
    writer = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: a.databaseUrl, max: 1 }) }) })
  })
  afterAll(async () => {
    await writer?.destroy()
    await b?.close()
    await a?.close()
  })

  it('an event committed after a later one still reaches a socket that reconnects from the cursor it was given', async () => {
    const chat = await startChat(a.url, 'support', 'Held Writer')
    const queueId = (await a.ctx.db.selectFrom('conversations').select('queue_id').where('id', '=', chat.id).executeTakeFirstOrThrow()).queue_id
    const first = await TestSocket.open(b.url, {}, agentOnB.cookie)
    await first.until((f) => f.type === 'ready')

    // Writer 1 logs "held" and keeps its transaction open.
    let release!: () => void
    const held = new Promise<void>((r) => { release = r })
    let logged!: () => void
    const isLogged = new Promise<void>((r) => { logged = r })
    const writer1 = writer.transaction().execute(async (trx) => {
      await insertEvent(trx, 'postgres', {
        type: 'message.created', conversationId: chat.id, queueId, visibility: 'public', createdAt: Date.now(),
        data: { message: { id: randomUUID(), conversationId: chat.id, seq: 999, author: { kind: 'system' }, text: 'held', createdAt: Date.now() } } as never,
      }, 0)
      logged()
      await held
    })
    await isLogged

    // Writer 2 (process A) commits a later event meanwhile.
    const later = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'later' })
    expect(later.status).toBe(201)
    // The newest cursor a client could hold now: what the first socket got, or a fresh socket's ready.
    // (A bus that ignored the running transaction would have given out the place of "later" by now.)
    const fresh = await TestSocket.open(b.url, {}, agentOnB.cookie)
    const ready = await fresh.until((f) => f.type === 'ready')
    await new Promise((r) => setTimeout(r, 300))
    const seen = first.events().map((e) => e.id)
    const cursor = Math.max(ready.type === 'ready' ? ready.cursor : 0, ...seen)
    first.close()
    fresh.close()

    const again = await TestSocket.open(b.url, { cursor }, agentOnB.cookie)
    await again.until((f) => f.type === 'ready')
    release()
    await writer1

    // Both arrive, the held one first (its place is before "later"), each once.
    await again.until((f) => textOf(f) === 'later')
    await again.until((f) => textOf(f) === 'held', 2000)
    const texts = again.frames.map(textOf).filter((t) => t === 'held' || t === 'later')
    expect(texts).toEqual(['held', 'later'])
    again.close()
  })

  it("a cursor handed out by one process is not a reset on the other, even where the other has streamed less", async () => {
    const agentOnA = await signIn(a.url, 'admin', ADMIN_PASSWORD)
    const onA = await TestSocket.open(a.url, {}, agentOnA.cookie)
    const ready = await onA.until((f) => f.type === 'ready')
    onA.close()
    const cursor = ready.type === 'ready' ? ready.cursor : 0
    const onB = await TestSocket.open(b.url, { cursor }, agentOnB.cookie)
    const again = await onB.until((f) => f.type === 'ready')
    expect(again).toMatchObject({ type: 'ready', cursor: expect.any(Number) })
    expect(again.type === 'ready' && again.reset).toBeFalsy()
    expect(again.type === 'ready' && again.cursor).toBeGreaterThanOrEqual(cursor)
    // A cursor from nowhere (another install, a wiped database) is a reset.
    const foreign = await TestSocket.open(b.url, { cursor: cursor * 4 + 1e9 }, agentOnB.cookie)
    expect(await foreign.until((f) => f.type === 'ready')).toMatchObject({ reset: true })
    onB.close()
    foreign.close()
  })

  it('sockets on both processes get the events of concurrent writers on both, each once and in the same order', async () => {
    const chats = await Promise.all([startChat(a.url, 'support', 'Writer A'), startChat(b.url, 'support', 'Writer B')])
    const agentOnA = await signIn(a.url, 'admin', ADMIN_PASSWORD)
    const onA = await TestSocket.open(a.url, {}, agentOnA.cookie)
    const onB = await TestSocket.open(b.url, {}, agentOnB.cookie)
    await Promise.all([onA.until((f) => f.type === 'ready'), onB.until((f) => f.type === 'ready')])
    const texts = Array.from({ length: 40 }, (_, i) => `w${i}`)
    await Promise.all(texts.map((text, i) => chats[i % 2]!.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text })))
    const mine = (s: TestSocket) => s.events().filter((e) => e.type === 'message.created' && texts.includes(e.data.message.text ?? ''))
    await expect.poll(() => mine(onA).length, { timeout: 10_000 }).toBe(40)
    await expect.poll(() => mine(onB).length, { timeout: 10_000 }).toBe(40)
    const ids = mine(onA).map((e) => e.id)
    expect(ids).toEqual([...ids].sort((x, y) => x - y))
    expect(mine(onB).map((e) => e.id)).toEqual(ids)
    onA.close()
    onB.close()
  })
})
