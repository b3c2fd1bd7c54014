import { sql, type Kysely, type Selectable } from 'kysely'
import type { EventData, EventType, ServerEvent } from '../../api-types.js'
import type { DbKind } from '../index.js'
import type { DB, EventsTable, EventVisibility } from '../schema.js'

/**
 * PostgreSQL: an event's place in the stream (`pos`, the id clients see and hold as their cursor) is
 * its transaction id × this + its index in the transaction. Transaction ids grow, and every
 * transaction below the horizon (`horizonPos`) has ended, so the stream below the horizon is final
 * without any lock among writers. With 4096, positions stay exact JavaScript numbers up to
 * transaction id 2^41 (2.2 × 10^12: 70 years at 1,000 transactions a second).
 */
export const EVENTS_PER_TRANSACTION = 4096

/** An event as stored in the log: the event, and who may see it. */
export interface StoredEvent {
  event: ServerEvent
  queueId: string
  visibility: EventVisibility
}

/** The column that orders the stream: `pos` on PostgreSQL, the id on SQLite (one writer, ids in commit order). */
const place = (kind: DbKind) => (kind === 'postgres' ? 'pos' : 'id')

/** A log row as the event it stores (withEvents wrote a type with that type's data); its id is its place. */
export function toServerEvent(r: Selectable<EventsTable>): ServerEvent {
  return {
    id: Number(r.pos ?? r.id),
    type: r.type as EventType,
    conversationId: r.conversation_id,
    createdAt: r.created_at,
    data: JSON.parse(r.payload) as EventData,
  } as ServerEvent
}

const toStored = (r: Selectable<EventsTable>): StoredEvent => ({ event: toServerEvent(r), queueId: r.queue_id, visibility: r.visibility })

/**
 * Appends an event to the log; `createdAt` in epoch ms; `index`: the event's index in its
 * transaction, 0 ≤ index < EVENTS_PER_TRANSACTION (PostgreSQL; ignored on SQLite).
 * @returns its place in the stream (the socket cursor)
 */
export async function insertEvent(
  db: Kysely<DB>,
  kind: DbKind,
  e: { type: EventType; conversationId: string; queueId: string; visibility: EventVisibility; data: EventData; createdAt: number },
  index: number,
): Promise<number> {
  if (!(index >= 0 && index < EVENTS_PER_TRANSACTION)) throw new RangeError(`at most ${EVENTS_PER_TRANSACTION} events in one transaction`)
  const values = eventRow(kind, e, index)
  if (kind === 'sqlite') {
    const row = await db.insertInto('events').values(values).returning('id').executeTakeFirstOrThrow()
    return Number(row.id)
  }
  const row = await db.insertInto('events').values(values).returning('pos').executeTakeFirstOrThrow()
  return Number(row.pos)
}

/** An event's row; on PostgreSQL with its place: the writing transaction's id × EVENTS_PER_TRANSACTION + index. */
function eventRow(kind: DbKind, e: { type: EventType; conversationId: string; queueId: string; visibility: EventVisibility; data: EventData; createdAt: number }, index: number) {
  return {
    type: e.type,
    conversation_id: e.conversationId,
    queue_id: e.queueId,
    visibility: e.visibility,
    payload: JSON.stringify(e.data),
    created_at: e.createdAt,
    ...(kind === 'postgres' ? { pos: sql<number>`pg_current_xact_id()::text::bigint * ${EVENTS_PER_TRANSACTION} + ${index}` } : {}),
  }
}

/** Rows per statement in insertEvents (7 parameters each: far below either database's limit). */
const INSERT_CHUNK = 500

/**
 * Appends a transaction's events to the log in order, in one statement per INSERT_CHUNK (the same
 * places as insertEvent with index 0, 1, …; at most EVENTS_PER_TRANSACTION in all).
 * @returns their places, in the order given
 */
export async function insertEvents(
  db: Kysely<DB>,
  kind: DbKind,
  list: { type: EventType; conversationId: string; queueId: string; visibility: EventVisibility; data: EventData; createdAt: number }[],
): Promise<number[]> {
  if (list.length > EVENTS_PER_TRANSACTION) throw new RangeError(`at most ${EVENTS_PER_TRANSACTION} events in one transaction`)
  if (list.length === 1) return [await insertEvent(db, kind, list[0]!, 0)]
  const places: number[] = []
  for (let from = 0; from < list.length; from += INSERT_CHUNK) {
    const values = list.slice(from, from + INSERT_CHUNK).map((e, i) => eventRow(kind, e, from + i))
    // Rows go in in the order given: SQLite numbers them upwards, PostgreSQL places them by index,
    // so sorting the returned places restores that order whatever order RETURNING uses.
    const rows = kind === 'sqlite'
      ? (await db.insertInto('events').values(values).returning('id').execute()).map((r) => Number(r.id))
      : (await db.insertInto('events').values(values).returning('pos').execute()).map((r) => Number(r.pos))
    places.push(...rows.sort((a, b) => a - b))
  }
  return places
}

/**
 * PostgreSQL: every event placed below the returned position is final (committed or rolled back):
 * the oldest transaction still running, × EVENTS_PER_TRANSACTION. Events at or above it may still
 * be joined by events of running transactions placed before them.
 */
export async function horizonPos(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ h: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as h`.execute(db)
  return Number(rows[0]!.h) * EVENTS_PER_TRANSACTION
}

/**
 * PostgreSQL, in one round trip (one snapshot): the horizon (as horizonPos), the events placed after
 * `after` and below it, oldest first, at most `limit` (whoever may see them), and whether committed
 * events wait at or above it. Rows above the horizon are never read, only checked for by index.
 */
export async function readLogTail(db: Kysely<DB>, after: number, limit: number): Promise<{ horizon: number; waiting: boolean; events: StoredEvent[] }> {
  const { rows } = await sql<Selectable<EventsTable> & { horizon: string; waiting: boolean }>`
    select h.horizon, exists (select 1 from events w where w.pos >= h.horizon) as waiting, e.*
    from (select pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${EVENTS_PER_TRANSACTION} as horizon) h
    left join lateral (select * from events where pos > ${after} and pos < h.horizon order by pos limit ${limit}) e on true`.execute(db)
  const first = rows[0]!
  return { horizon: Number(first.horizon), waiting: first.waiting, events: rows.filter((r) => r.id !== null).map(toStored) }
}

type Scope = { queueIds: string[] } | { conversationId: string }

/** The log between two places, in the caller's scope (undefined: nothing can match). */
function inRange(db: Kysely<DB>, kind: DbKind, range: { cursor: number; upTo: number }, scope: Scope) {
  let q = db.selectFrom('events').where(place(kind), '>', range.cursor).where(place(kind), '<=', range.upTo)
  if ('conversationId' in scope) return q.where('conversation_id', '=', scope.conversationId).where('visibility', 'in', ['public', 'customer'])
  if (scope.queueIds.length === 0) return undefined
  q = q.where('queue_id', 'in', scope.queueIds).where('visibility', '!=', 'customer')
  return q
}

/** Events after `cursor` up to `upTo` (both places), oldest first, filtered by the caller's scope. */
export async function readEvents(db: Kysely<DB>, kind: DbKind, range: { cursor: number; upTo: number }, scope: Scope, limit: number): Promise<StoredEvent[]> {
  const q = inRange(db, kind, range, scope)
  if (!q) return []
  const rows = await q.selectAll().orderBy(place(kind)).limit(limit).execute()
  return rows.map(toStored)
}

/** How many events `readEvents` would give without a limit, counted up to `atMost` (no rows read). */
export async function countEvents(db: Kysely<DB>, kind: DbKind, range: { cursor: number; upTo: number }, scope: Scope, atMost: number): Promise<number> {
  const q = inRange(db, kind, range, scope)
  if (!q) return 0
  const row = await db.selectFrom(q.select('id').limit(atMost).as('t')).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()
  return Number(row?.n ?? 0)
}

/**
 * The newest event's place (at most `atMost` when given), 0 for an empty log. On PostgreSQL the
 * newest one may not be final yet; one at or below the bus's position is.
 */
export async function latestEventId(db: Kysely<DB>, kind: DbKind, atMost?: number): Promise<number> {
  let q = db.selectFrom('events').select((eb) => eb.fn.max(place(kind)).as('max'))
  if (atMost !== undefined) q = q.where(place(kind), '<=', atMost)
  const row = await q.executeTakeFirst()
  return Number(row?.max ?? 0)
}

/** The connection's current schema (PostgreSQL): pub/sub channels are named after it. */
export async function currentSchema(db: Kysely<DB>): Promise<string | undefined> {
  const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db)
  return rows[0]?.s
}
