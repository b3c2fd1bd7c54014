import { type Kysely, sql } from 'kysely'
import type { DB } from '../schema.js'

/** A counter's state after a hit: hits in the current window and when that window ends (epoch ms). */
export interface WindowCount {
  hits: number
  resetAt: number
}

/**
 * Counts one hit on `key` in a fixed window of `windowMs` and returns the new count, atomically
 * (one INSERT … ON CONFLICT DO UPDATE … RETURNING, the same on SQLite ≥ 3.35 and PostgreSQL), so
 * every server process sharing the database counts into the same row.
 */
export async function hitCounter(db: Kysely<DB>, key: string, windowMs: number, now = Date.now()): Promise<WindowCount> {
  const { rows } = await sql<{ hits: number; reset_at: number }>`
    insert into rate_limits (key, hits, reset_at) values (${key}, 1, ${now + windowMs})
    on conflict (key) do update set
      hits = case when rate_limits.reset_at <= ${now} then 1 else rate_limits.hits + 1 end,
      reset_at = case when rate_limits.reset_at <= ${now} then ${now + windowMs} else rate_limits.reset_at end
    returning hits, reset_at`.execute(db)
  const row = rows[0]!
  return { hits: Number(row.hits), resetAt: Number(row.reset_at) }
}

/** Takes back one hit on each key whose window is still running (a sign-in that succeeded). */
export async function refundCounters(db: Kysely<DB>, keys: string[], now = Date.now()): Promise<void> {
  if (!keys.length) return
  await db.updateTable('rate_limits').set((eb) => ({ hits: eb('hits', '-', 1) }))
    .where('key', 'in', keys).where('hits', '>', 0).where('reset_at', '>', now).execute()
}

/** Removes counters whose window ended (they would restart at 1 anyway). */
export async function deleteExpiredCounters(db: Kysely<DB>, now = Date.now()): Promise<void> {
  await db.deleteFrom('rate_limits').where('reset_at', '<=', now).execute()
}
