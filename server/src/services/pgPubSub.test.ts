// LISTEN/NOTIFY keeps publish order, large events travel by id. Runs when TEST_DATABASE_URL is set.
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DB } from '../db/schema.js'
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
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) })
  })

  afterAll(async () => {
    await sql.raw(`drop schema ${schema} cascade`).execute(db)
    await db.destroy()
  })

  it('delivers a burst of events to another process in the order they were published', async () => {
    const publisher = await createPgPubSub(url, db)
    const listener = await createPgPubSub(url, db)
    const got: number[] = []
    listener.subscribe((m) => {
      if (m.kind === 'event') got.push(m.event.id)
    })
    const event = (id: number): Published => ({
      kind: 'event', queueId: 'q', conversationId: 'c', visibility: 'public',
      event: { id, type: 'message.created', conversationId: 'c', createdAt: id, data: { note: 'x'.repeat(id % 7) } as never },
    })
    for (let id = 1; id <= 300; id++) publisher.publish(event(id))
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(300)
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
    await publisher.close()
    await listener.close()
  })
})
