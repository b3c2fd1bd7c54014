import { sql, type Kysely, type Selectable } from 'kysely'
import type { EventData, EventType, ServerEvent } from '../../api-types.js'
import type { DB, EventsTable } from '../schema.js'

/** An event as stored in the log: the event, and who may see it. */
export interface StoredEvent {
  event: ServerEvent
  queueId: string
  visibility: 'public' | 'internal'
}

/** A log row as the event it stores (withEvents wrote a type with that type's data). */
export function toServerEvent(r: Selectable<EventsTable>): ServerEvent {
  return {
    id: Number(r.id),
    type: r.type as EventType,
    conversationId: r.conversation_id,
    createdAt: r.created_at,
    data: JSON.parse(r.payload) as EventData,
  } as ServerEvent
}

/** Appends an event to the log; `createdAt` in epoch ms. @returns its id (the socket cursor) */
export async function insertEvent(
  db: Kysely<DB>,
  e: { type: EventType; conversationId: string; queueId: string; visibility: 'public' | 'internal'; data: EventData; createdAt: number },
): Promise<number> {
  const row = await db
    .insertInto('events')
    .values({
      type: e.type,
      conversation_id: e.conversationId,
      queue_id: e.queueId,
      visibility: e.visibility,
      payload: JSON.stringify(e.data),
      created_at: e.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(row.id)
}

/** One logged event by id, with its scope, or undefined. */
export async function getStoredEvent(db: Kysely<DB>, id: number): Promise<StoredEvent | undefined> {
  const r = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst()
  return r && { event: toServerEvent(r), queueId: r.queue_id, visibility: r.visibility }
}

/** Events after `cursor`, oldest first, filtered by the caller's scope. */
export async function readEvents(
  db: Kysely<DB>,
  cursor: number,
  scope: { queueIds: string[] } | { conversationId: string },
  limit: number,
): Promise<StoredEvent[]> {
  let q = db.selectFrom('events').selectAll().where('id', '>', cursor)
  if ('conversationId' in scope) {
    q = q.where('conversation_id', '=', scope.conversationId).where('visibility', '=', 'public')
  } else {
    if (scope.queueIds.length === 0) return []
    q = q.where('queue_id', 'in', scope.queueIds)
  }
  const rows = await q.orderBy('id').limit(limit).execute()
  return rows.map((r) => ({ event: toServerEvent(r), queueId: r.queue_id, visibility: r.visibility }))
}

/** The newest event id, 0 for an empty log. */
export async function latestEventId(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst()
  return Number(row?.max ?? 0)
}

/** The connection's current schema (PostgreSQL): pub/sub channels are named after it. */
export async function currentSchema(db: Kysely<DB>): Promise<string | undefined> {
  const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db)
  return rows[0]?.s
}
