import type { Kysely, Selectable, Updateable } from 'kysely'
import type { AdminUser, Role, TransferTarget, User } from '../../api-types.js'
import { isLocale } from '../../i18n/index.js'
import type { DbKind } from '../index.js'
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
    awayReason: r.away_reason ?? null,
    awaySince: r.away_since ?? null,
    locale: isLocale(r.locale) ? r.locale : null,
  }
}

/** A user's chosen interface language (null: none chosen, or no such user). */
export async function userLocale(db: Kysely<DB>, id: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('locale').where('id', '=', id).executeTakeFirst()
  return row?.locale ?? null
}

export async function getUser(db: Kysely<DB>, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  return row && toUser(row)
}

/** The user row stored under `username`, which must already be in its stored spelling (services/usernames.ts normalizeUsername). */
export async function getUserRowByUsername(db: Kysely<DB>, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
}

/** Does a user with this id exist (active or not)? */
export async function userExists(db: Kysely<DB>, id: string): Promise<boolean> {
  return !!(await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst())
}

/** Users as the admin area lists them (with their queue ids), by display name; only `ids` when given. */
export async function listAdminUsers(db: Kysely<DB>, ids?: string[]): Promise<AdminUser[]> {
  let q = db.selectFrom('users').selectAll().orderBy('display_name')
  if (ids) q = q.where('id', 'in', ids)
  const rows = await q.execute()
  const members = await db.selectFrom('queue_members').selectAll().execute()
  return rows.map((r) => ({ ...toUser(r), queueIds: members.filter((m) => m.user_id === r.id).map((m) => m.queue_id) }))
}

/** Stores a new active, available user (`username` already in its stored spelling, `passwordHash` from services/passwords.ts). */
export async function insertUser(
  db: Kysely<DB>,
  u: { id: string; username: string; displayName: string; role: Role; passwordHash: string; maxConcurrent: number },
): Promise<void> {
  await db.insertInto('users').values({
    id: u.id, username: u.username, display_name: u.displayName, role: u.role, password_hash: u.passwordHash,
    active: 1, presence: 'available', max_concurrent: u.maxConcurrent, created_at: Date.now(), last_assigned_at: null,
  }).execute()
}

/** Changes the given columns of a user (nothing when `set` is empty). */
export async function updateUser(db: Kysely<DB>, id: string, set: Updateable<UsersTable>): Promise<void> {
  if (Object.keys(set).length) await db.updateTable('users').set(set).where('id', '=', id).execute()
}

/** Replaces the queues a user is a member of. */
export async function setUserQueues(db: Kysely<DB>, userId: string, queueIds: string[]): Promise<void> {
  await db.deleteFrom('queue_members').where('user_id', '=', userId).execute()
  if (queueIds.length) await db.insertInto('queue_members').values(queueIds.map((queue_id) => ({ queue_id, user_id: userId }))).execute()
}

/** A user's display name. @throws when there is no such user */
export async function displayNameOf(db: Kysely<DB>, userId: string): Promise<string> {
  const u = await db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirstOrThrow()
  return u.display_name
}

/**
 * A user's name and whether they are active, read under a share lock on PostgreSQL (a
 * deactivation's update of the row waits for the reader's transaction, and the other way round).
 */
export async function readUserShared(db: Kysely<DB>, kind: DbKind, userId: string) {
  let q = db.selectFrom('users').select(['display_name', 'active']).where('id', '=', userId)
  if (kind === 'postgres') q = q.forShare()
  return q.executeTakeFirst()
}

/** An active user's id and name, or undefined. */
export async function activeUser(db: Kysely<DB>, userId: string) {
  return db.selectFrom('users').select(['id', 'display_name']).where('id', '=', userId).where('active', '=', 1).executeTakeFirst()
}

/**
 * The limit of an active, available member of the queue, with the row locked (PostgreSQL) so two
 * processes offering to the same agent at once run one after the other; undefined if not eligible.
 */
export async function lockEligibleAgent(db: Kysely<DB>, kind: DbKind, userId: string, queueId: string) {
  let q = db
    .selectFrom('users as u')
    .innerJoin('queue_members as m', (j) => j.onRef('m.user_id', '=', 'u.id').on('m.queue_id', '=', queueId))
    .select(['u.max_concurrent'])
    .where('u.id', '=', userId)
    .where('u.active', '=', 1)
    .where('u.presence', '=', 'available')
  if (kind === 'postgres') q = q.forUpdate()
  return q.executeTakeFirst()
}

/** Active, available members of the queue who have not declined this conversation, with their open load. */
export async function offerCandidates(db: Kysely<DB>, queueId: string, conversationId: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('queue_members as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.max_concurrent', 'u.last_assigned_at'])
    .select((eb) =>
      eb.selectFrom('conversations as c')
        .select(eb.fn.countAll<number>().as('n'))
        .where((w) => w.or([
          w.and([w('c.state', '=', 'picked'), w('c.agent_id', '=', w.ref('u.id'))]),
          w.and([w('c.state', '=', 'offered'), w('c.offered_to', '=', w.ref('u.id'))]),
        ]))
        .as('load'),
    )
    .where('m.queue_id', '=', queueId)
    .where('u.active', '=', 1)
    .where('u.presence', '=', 'available')
    .where((eb) => eb.not(eb.exists(
      eb.selectFrom('offer_declines as d').select('d.user_id').where('d.conversation_id', '=', conversationId).whereRef('d.user_id', '=', 'u.id'),
    )))
    .execute()
}

/** Work was just given to this agent (offers go to who got work longest ago); `at` in epoch ms. */
export async function markAssigned(db: Kysely<DB>, userId: string, at: number): Promise<void> {
  await db.updateTable('users').set({ last_assigned_at: at }).where('id', '=', userId).execute()
}

/** Is there any user at all (an empty database gets the first admin)? */
export async function anyUser(db: Kysely<DB>): Promise<boolean> {
  return !!(await db.selectFrom('users').select('id').limit(1).executeTakeFirst())
}

/** Queues and their active agents with each one's open chats (picked or offered), for Transfer. */
export async function transferTargets(db: Kysely<DB>): Promise<TransferTarget[]> {
  const queues = await db.selectFrom('queues').select(['id', 'name', 'address']).orderBy('name').execute()
  const members = await db
    .selectFrom('queue_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.queue_id', 'u.id', 'u.display_name', 'u.presence', 'u.max_concurrent'])
    .where('u.active', '=', 1)
    .orderBy('u.display_name')
    .execute()
  // Open chats per agent in one query: picked ones carry agent_id, offered ones offered_to.
  const counts = await db
    .selectFrom('conversations')
    .select((eb) => [eb.fn.coalesce('agent_id', 'offered_to').as('uid'), eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['picked', 'offered'])
    .groupBy((eb) => eb.fn.coalesce('agent_id', 'offered_to'))
    .execute()
  const loads = new Map(counts.map((c) => [c.uid, Number(c.n)]))
  return queues.map((q) => ({
    queue: q,
    agents: members.filter((m) => m.queue_id === q.id).map((m) => ({
      id: m.id, displayName: m.display_name, presence: m.presence, load: loads.get(m.id) ?? 0, maxConcurrent: m.max_concurrent,
    })),
  }))
}

/**
 * Counts one more offer this agent let time out, in the caller's transaction; with `awayAfter`
 * (> 0) reached while they are Available, sets them Away with reason 'missed_offers' at `now`.
 * @returns whether this call set them Away
 */
export async function countMissedOffer(db: Kysely<DB>, userId: string, awayAfter: number, now: number): Promise<boolean> {
  await db.updateTable('users').set((eb) => ({ missed_offers: eb('missed_offers', '+', 1) })).where('id', '=', userId).execute()
  if (awayAfter <= 0) return false
  const res = await db.updateTable('users')
    .set({ presence: 'away', away_reason: 'missed_offers', away_since: now })
    .where('id', '=', userId).where('presence', '=', 'available').where('missed_offers', '>=', awayAfter)
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

/** The agent answered an offer (Accept or Reject): their run of missed offers starts again. */
export async function resetMissedOffers(db: Kysely<DB>, userId: string): Promise<void> {
  await db.updateTable('users').set({ missed_offers: 0 }).where('id', '=', userId).where('missed_offers', '<>', 0).execute()
}
