// Migration 0006 (issue 10, point 6): chats that were merged into one customer by a typed email
// or phone are split into one customer each, and each keeps its details on the conversation.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../index.js'
import { migrations } from './index.js'
import { createTestSchema } from '../../test/helpers.js'

describe('migration 0006_customer_identity', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-mig-'))
  const pgUrl = process.env.TEST_DATABASE_URL
  let databaseUrl: string | undefined
  let dropSchema: (() => Promise<void>) | undefined
  beforeAll(async () => {
    if (!pgUrl) return
    const created = await createTestSchema(pgUrl, 'm')
    databaseUrl = created.url
    dropSchema = created.drop
  })
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true })
    await dropSchema?.()
  })

  it('splits customers linked by a typed email and keeps each chat\'s details', async () => {
    const kind = databaseUrl ? 'postgres' : 'sqlite'
    // A database as the previous release left it (migrations up to 0005).
    const old = new Kysely<any>({
      dialect: databaseUrl
        ? new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) })
        : new SqliteDialect({ database: new SQLite(join(dataDir, 'parley.sqlite')) }),
    })
    const before = Object.fromEntries(Object.entries(migrations(kind)).filter(([name]) => name < '0006'))
    const res = await new Migrator({ db: old, provider: { getMigrations: async () => before } }).migrateToLatest()
    expect(res.error).toBeUndefined()
    const q = randomUUID()
    await old.insertInto('queues').values({ id: q, name: 'Support', address: 'support', routing_mode: 'picklist', created_at: 1 }).execute()
    const merged = randomUUID()
    const alone = randomUUID()
    await old.insertInto('customers').values([
      { id: merged, name: 'Last Typed Name', email: 'shared@example.com', phone: '+1 555', created_at: 10 },
      { id: alone, name: 'Alone', email: null, phone: null, created_at: 20 },
    ]).execute()
    const conv = (id: string, customer: string, at: number) => ({
      id, customer_id: customer, queue_id: q, channel: 'web', state: 'ended', arrived_at: at, last_seq: 0,
      customer_token_hash: randomUUID(), customer_delivered_seq: 0, customer_read_seq: 0,
    })
    const [c1, c2, c3, c4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
    await old.insertInto('conversations').values([conv(c1, merged, 100), conv(c2, merged, 200), conv(c3, merged, 300), conv(c4, alone, 400)]).execute()
    await old.destroy()

    const db = await openDatabase({ databaseUrl, dataDir })
    try {
      const rows = await db.db.selectFrom('conversations').select(['id', 'customer_id', 'contact_name', 'contact_email', 'contact_phone', 'customer_token_revoked_at'])
        .orderBy('arrived_at').execute()
      expect(rows.map((r) => r.contact_name)).toEqual(['Last Typed Name', 'Last Typed Name', 'Last Typed Name', 'Alone'])
      expect(rows[1]).toMatchObject({ contact_email: 'shared@example.com', contact_phone: '+1 555', customer_token_revoked_at: null })
      // The first chat keeps the old customer; every later one has its own.
      expect(rows.map((r) => r.customer_id)).toEqual([merged, c2, c3, alone])
      const customers = await db.db.selectFrom('customers').select(['id', 'identity_kind', 'identity_key']).execute()
      expect(customers).toHaveLength(4)
      expect(customers.every((c) => c.identity_kind === null && c.identity_key === null)).toBe(true)
    } finally {
      await db.close()
    }
  })
})
