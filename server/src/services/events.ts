import type { Kysely, Transaction } from 'kysely'
import type { EventData, EventType, ServerEvent } from '../api-types.js'
import { lockEventLog } from '../db/index.js'
import type { DB } from '../db/schema.js'
import type { AppContext } from './context.js'
import type { Published } from './pubsub.js'

export interface EventInput {
  type: EventType
  conversationId: string
  queueId: string
  visibility: 'public' | 'internal'
  data: EventData
}

export type Emit = (e: EventInput) => Promise<void>

/**
 * Runs `fn` in one transaction; the events it emits are written to the log inside that
 * transaction and published only after it commits, so a socket never sees a change that
 * was rolled back, and a replay from the log sees exactly what was published.
 *
 * The events are written after `fn`, just before the commit: on PostgreSQL the log's lock (which
 * keeps ids in commit order) is then held for those inserts and the commit only, not for the
 * business logic, so writers to other conversations wait as little as possible.
 */
export async function withEvents<T>(
  ctx: AppContext,
  fn: (trx: Transaction<DB>, emit: Emit) => Promise<T>,
): Promise<T> {
  const published: Published[] = []
  const result = await ctx.db.transaction().execute(async (trx) => {
    const pending: { e: EventInput; createdAt: number }[] = []
    const emit: Emit = async (e) => {
      pending.push({ e, createdAt: Date.now() })
    }
    const value = await fn(trx, emit)
    if (pending.length > 0) await lockEventLog(trx, ctx.kind)
    for (const { e, createdAt } of pending) {
      const row = await trx
        .insertInto('events')
        .values({
          type: e.type,
          conversation_id: e.conversationId,
          queue_id: e.queueId,
          visibility: e.visibility,
          payload: JSON.stringify(e.data),
          created_at: createdAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const event: ServerEvent = { id: Number(row.id), type: e.type, conversationId: e.conversationId, createdAt, data: e.data }
      published.push({ kind: 'event', event, queueId: e.queueId, conversationId: e.conversationId, visibility: e.visibility })
    }
    return value
  })
  for (const p of published) {
    ctx.pubsub.publish(p)
    ctx.onCommitted?.(p)
  }
  return result
}

export interface StoredEvent {
  event: ServerEvent
  queueId: string
  visibility: 'public' | 'internal'
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
  return rows.map((r) => ({
    event: {
      id: Number(r.id),
      type: r.type as EventType,
      conversationId: r.conversation_id,
      createdAt: r.created_at,
      data: JSON.parse(r.payload) as EventData,
    },
    queueId: r.queue_id,
    visibility: r.visibility,
  }))
}

export async function latestEventId(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst()
  return Number(row?.max ?? 0)
}
