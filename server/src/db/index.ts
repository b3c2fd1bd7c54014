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
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachingStatements(file) }) })
  }
  await migrate(db, kind)
  return { db, kind, close: () => db.destroy() }
}

/** How many distinct SQL texts keep their prepared statement (an `in (?, ?, …)` list makes a text per length). */
const STATEMENT_CACHE = 500

/**
 * better-sqlite3 behind Kysely with its prepared statements kept: Kysely's SQLite driver prepares
 * every query again (about a third of the database time of a message send, bench/delivery.ts with
 * --cpu-prof). A statement is reused only when it is not busy (a `.stream()` iterating it);
 * SQLite re-prepares a kept statement by itself after a schema change (sqlite3_prepare_v2).
 * Least recently used texts are dropped past STATEMENT_CACHE.
 */
function cachingStatements(file: import('better-sqlite3').Database): { prepare(sql: string): import('better-sqlite3').Statement; close(): void } {
  const statements = new Map<string, import('better-sqlite3').Statement>()
  return {
    prepare(sql) {
      const kept = statements.get(sql)
      if (kept && !kept.busy) {
        // Most recently used last: re-insert.
        statements.delete(sql)
        statements.set(sql, kept)
        return kept
      }
      const stmt = file.prepare(sql)
      if (!kept) {
        statements.set(sql, stmt)
        if (statements.size > STATEMENT_CACHE) statements.delete(statements.keys().next().value!)
      }
      return stmt
    },
    close() {
      statements.clear()
      file.close()
    },
  }
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
