import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'

/** Stores a session: `id` is sha256 of the cookie token (never the token), times in epoch ms. */
export async function insertSession(db: Kysely<DB>, s: { id: string; userId: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db.insertInto('sessions').values({ id: s.id, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt }).execute()
}

/** A session's user and end (epoch ms), or undefined. */
export async function getSession(db: Kysely<DB>, id: string) {
  return db.selectFrom('sessions').select(['user_id', 'expires_at']).where('id', '=', id).executeTakeFirst()
}

/** Of these session ids, those still live at `now`: not expired and their user active. */
export async function liveSessionIds(db: Kysely<DB>, ids: string[], now = Date.now()): Promise<string[]> {
  if (!ids.length) return []
  const rows = await db.selectFrom('sessions as s').innerJoin('users as u', 'u.id', 's.user_id').select('s.id')
    .where('s.id', 'in', ids).where('s.expires_at', '>', now).where('u.active', '=', 1).execute()
  return rows.map((r) => r.id)
}

/** Deletes the sessions with these ids. @returns the ids deleted */
export async function deleteSessionsById(db: Kysely<DB>, ids: string[]): Promise<string[]> {
  if (!ids.length) return []
  return (await db.deleteFrom('sessions').where('id', 'in', ids).returning('id').execute()).map((r) => r.id)
}

/** Deletes every session of a user. @returns the ids deleted */
export async function deleteSessionsOfUser(db: Kysely<DB>, userId: string): Promise<string[]> {
  return (await db.deleteFrom('sessions').where('user_id', '=', userId).returning('id').execute()).map((r) => r.id)
}
