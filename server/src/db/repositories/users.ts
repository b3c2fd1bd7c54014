import type { Kysely, Selectable } from 'kysely'
import type { User } from '../../api-types.js'
import type { DB, UsersTable } from '../schema.js'

export function toUser(r: Selectable<UsersTable>): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    presence: r.presence,
    maxConcurrent: r.max_concurrent,
    active: r.active === 1,
    notifyMessages: r.notify_messages !== 0,
  }
}

export async function getUser(db: Kysely<DB>, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  return row && toUser(row)
}

/** The user row stored under `username`, which must already be in its stored spelling (services/usernames.ts normalizeUsername). */
export async function getUserRowByUsername(db: Kysely<DB>, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
}
