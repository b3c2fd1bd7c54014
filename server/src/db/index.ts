import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider } from 'kysely'
import type { DB } from './schema.js'
import { migrations } from './migrations/index.js'

export type DbKind = 'sqlite' | 'postgres'

export interface Database {
  db: Kysely<DB>
  kind: DbKind
  close(): Promise<void>
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  let db: Kysely<DB>
  let kind: DbKind
  if (opts.databaseUrl) {
    kind = 'postgres'
    // Each driver is loaded only when used: a SQLite install never loads pg, and the other way round.
    const { default: pg } = await import('pg')
    // pg returns int8 (bigint) as strings; our bigints are epoch ms and event positions, safe as numbers.
    pg.types.setTypeParser(20, (v) => Number(v))
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 })
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  } else {
    kind = 'sqlite'
    mkdirSync(opts.dataDir, { recursive: true })
    const { default: SQLite } = await import('better-sqlite3')
    const file = new SQLite(join(opts.dataDir, 'parley.sqlite'))
    file.pragma('journal_mode = WAL')
    file.pragma('synchronous = NORMAL')
    file.pragma('foreign_keys = ON')
    file.pragma('busy_timeout = 5000')
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: file }) })
  }
  await migrate(db, kind)
  return { db, kind, close: () => db.destroy() }
}

async function migrate(db: Kysely<DB>, kind: DbKind): Promise<void> {
  const list = migrations(kind)
  const provider: MigrationProvider = { getMigrations: async () => list }
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`)
  }
}
