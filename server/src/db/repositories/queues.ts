import type { Kysely, Updateable } from 'kysely'
import type { OpeningHours, Queue, RoutingMode } from '../../api-types.js'
import type { DB, QueuesTable } from '../schema.js'

/** Queues with their member ids, by name; only `ids` when given. */
export async function listQueues(db: Kysely<DB>, ids?: string[]): Promise<Queue[]> {
  let q = db.selectFrom('queues').selectAll().orderBy('name')
  if (ids) q = q.where('id', 'in', ids)
  const rows = await q.execute()
  const members = await db.selectFrom('queue_members').selectAll().execute()
  return rows.map((r) => ({
    id: r.id, name: r.name, address: r.address, routingMode: r.routing_mode,
    memberIds: members.filter((m) => m.queue_id === r.id).map((m) => m.user_id),
    embedOrigins: parseOrigins(r.embed_origins),
    openingHours: parseHours(r.opening_hours),
  }))
}

/** The stored JSON of `queues.embed_origins` as a list (an unreadable value reads as none). */
export function parseOrigins(text: string | null | undefined): string[] {
  try {
    const v: unknown = JSON.parse(text ?? '[]')
    return Array.isArray(v) ? v.filter((o): o is string => typeof o === 'string') : []
  } catch {
    return []
  }
}

/** The stored JSON of `queues.opening_hours` (null: always open; unreadable reads as always open). */
export function parseHours(text: string | null | undefined): OpeningHours | null {
  if (!text) return null
  try {
    const v = JSON.parse(text) as OpeningHours
    return typeof v.timeZone === 'string' && Array.isArray(v.week) && v.week.length === 7 ? v : null
  } catch {
    return null
  }
}

/** The origins that may frame the chat at a public address ([] for an unknown address). */
export async function embedOriginsByAddress(db: Kysely<DB>, address: string): Promise<string[]> {
  const row = await db.selectFrom('queues').select('embed_origins').where('address', '=', address).executeTakeFirst()
  return parseOrigins(row?.embed_origins)
}

/** Whether an active member of the queue has presence Available. */
export async function hasAvailableAgent(db: Kysely<DB>, queueId: string): Promise<boolean> {
  const row = await db
    .selectFrom('queue_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.queue_id', '=', queueId)
    .where('u.active', '=', 1)
    .where('u.presence', '=', 'available')
    .limit(1)
    .executeTakeFirst()
  return !!row
}

export async function queueExists(db: Kysely<DB>, id: string): Promise<boolean> {
  return !!(await db.selectFrom('queues').select('id').where('id', '=', id).executeTakeFirst())
}

/** The queue at a public chat address, or undefined. */
export async function queueByAddress(db: Kysely<DB>, address: string) {
  return db.selectFrom('queues').selectAll().where('address', '=', address).executeTakeFirst()
}

/** A queue's id, name and routing mode, or undefined. */
export async function getQueueRow(db: Kysely<DB>, id: string) {
  return db.selectFrom('queues').select(['id', 'name', 'routing_mode']).where('id', '=', id).executeTakeFirst()
}

export async function insertQueue(db: Kysely<DB>, q: { id: string; name: string; address: string; routingMode: RoutingMode }): Promise<void> {
  await db.insertInto('queues').values({ id: q.id, name: q.name, address: q.address, routing_mode: q.routingMode, created_at: Date.now() }).execute()
}

/** Changes the given columns of a queue (nothing when `set` is empty). */
export async function updateQueue(db: Kysely<DB>, id: string, set: Updateable<QueuesTable>): Promise<void> {
  if (Object.keys(set).length) await db.updateTable('queues').set(set).where('id', '=', id).execute()
}

/** Replaces a queue's members. */
export async function setQueueMembers(db: Kysely<DB>, queueId: string, userIds: string[]): Promise<void> {
  await db.deleteFrom('queue_members').where('queue_id', '=', queueId).execute()
  await addQueueMembers(db, userIds.map((user_id) => ({ queue_id: queueId, user_id })))
}

/** Adds memberships (queue, user pairs). */
export async function addQueueMembers(db: Kysely<DB>, rows: { queue_id: string; user_id: string }[]): Promise<void> {
  if (rows.length) await db.insertInto('queue_members').values(rows).execute()
}
