// The PostgreSQL bus: events are streamed from the log below the horizon of running transactions,
// other messages travel over LISTEN/NOTIFY in publish order. Runs when TEST_DATABASE_URL is set.
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DB } from '../db/schema.js'
import { insertEvent } from '../db/repositories/events.js'
import { migrations } from '../db/migrations/index.js'
import { Migrator } from 'kysely'
import { createPgPubSub } from './pgPubSub.js'
import type { Published } from './pubsub.js'

const pgUrl = process.env.TEST_DATABASE_URL

describe.runIf(pgUrl)('PostgreSQL publish/subscribe', () => {
  const schema = `pubsub_${process.pid}`
  let db: Kysely<DB>
  let url: string

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: pgUrl })
    await admin.connect()
    await admin.query(`create schema ${schema}`)
    await admin.end()
    url = `${pgUrl}${pgUrl!.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 6 }) }) })
    const list = migrations('postgres')
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => list } }).migrateToLatest()
    if (error) throw error
  })

  afterAll(async () => {
    await sql.raw(`drop schema ${schema} cascade`).execute(db)
    await db.destroy()
  })

  const logEvent = (trx: Kysely<DB>, n: number, index = 0) => insertEvent(trx, 'postgres', {
    type: 'message.created', conversationId: 'c', queueId: 'q', visibility: 'public', createdAt: n, data: { n } as never,
  }, index)

  it('streams the events of concurrent writers to another process, each once, in place order', async () => {
    const publisher = await createPgPubSub(url, db)
    const listener = await createPgPubSub(url, db)
    const got: number[] = []
    listener.subscribe((m) => { if (m.kind === 'event') got.push(m.event.id) })
    const places: number[] = []
    await Promise.all(Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; i < 50; i++) {
        const id = await db.transaction().execute(async (trx) => {
          const first = await logEvent(trx, w * 1000 + i, 0)
          await logEvent(trx, w * 1000 + i, 1)
          return first
        })
        places.push(id, id + 1)
        publisher.publish({ kind: 'event', queueId: 'q', conversationId: 'c', visibility: 'public', event: { id } as never })
      }
    }))
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(600)
    expect(got).toEqual([...places].sort((x, y) => x - y))
    // Notifications collapse: far fewer than one per event.
    expect(publisher.stats.notifies).toBeLessThan(300)
    await publisher.close()
    await listener.close()
  })

  it('holds back an event committed above a running transaction until that one ends', async () => {
    const bus = await createPgPubSub(url, db)
    const got: number[] = []
    bus.subscribe((m) => { if (m.kind === 'event') got.push(m.event.id) })
    let release!: () => void
    const held = new Promise<void>((r) => { release = r })
    let logged!: (id: number) => void
    const heldId = new Promise<number>((r) => { logged = r })
    const slow = db.transaction().execute(async (trx) => {
      logged(await logEvent(trx, 1))
      await held
    })
    const first = await heldId
    const later = await db.transaction().execute((trx) => logEvent(trx, 2))
    expect(later).toBeGreaterThan(first)
    bus.publish({ kind: 'event', queueId: 'q', conversationId: 'c', visibility: 'public', event: { id: later } as never })
    // The bus's stream must not pass the running transaction's place.
    await new Promise((r) => setTimeout(r, 300))
    expect(got).not.toContain(later)
    expect(bus.eventPosition!()).toBeLessThan(first)
    release()
    await slow
    bus.publish({ kind: 'event', queueId: 'q', conversationId: 'c', visibility: 'public', event: { id: first } as never })
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(2)
    expect(got).toEqual([first, later])
    await bus.close()
  })

  it('delivers other messages to another process in the order they were published', async () => {
    const publisher = await createPgPubSub(url, db)
    const listener = await createPgPubSub(url, db)
    const got: string[] = []
    listener.subscribe((m) => { if (m.kind === 'customer.revoked') got.push(m.conversationId) })
    const sent = Array.from({ length: 200 }, (_, i) => `c${i}`)
    for (const id of sent) publisher.publish({ kind: 'customer.revoked', conversationId: id } satisfies Published)
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(200)
    expect(got).toEqual(sent)
    await publisher.close()
    await listener.close()
  })
})
