import type { Transaction } from 'kysely'
import type { EventDataByType, EventType, ServerEvent } from '../api-types.js'
import type { DB } from '../db/schema.js'
import { insertEvents } from '../db/repositories/events.js'
import type { AppContext } from './context.js'
import type { EventCause, Published, Visibility } from './pubsub.js'

/** An event to log and publish: its type with that type's data, and who may see it. */
export type EventInput = {
  [K in EventType]: {
    type: K
    conversationId: string
    queueId: string
    visibility: Visibility
    data: EventDataByType[K]
    /** Why it happened, when the data alone does not say (published, not logged: see Published). */
    cause?: EventCause | undefined
  }
}[EventType]

export type Emit = (e: EventInput) => Promise<void>

/**
 * Runs `fn` in one transaction; the events it emits are written to the log inside that
 * transaction and published only after it commits, so a socket never sees a change that
 * was rolled back, and a replay from the log sees exactly what was published.
 *
 * No lock is held around the log: on PostgreSQL an event's place in the stream is its transaction
 * id (repositories/events.ts), and the bus streams only what lies below the oldest running
 * transaction (services/pgPubSub.ts), so writers to different conversations never wait on each other.
 * At most EVENTS_PER_TRANSACTION (4096) events per transaction: more throws and rolls back.
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
    // All of them in one statement (a batch send writes dozens).
    const ids = await insertEvents(trx, ctx.kind, pending.map(({ e, createdAt }) => ({ ...e, createdAt })))
    for (const [index, { e, createdAt }] of pending.entries()) {
      // The input pairs type and data already; TypeScript can't follow the pair through the spread.
      const event = { id: ids[index]!, type: e.type, conversationId: e.conversationId, createdAt, data: e.data } as ServerEvent
      published.push({ kind: 'event', event, queueId: e.queueId, conversationId: e.conversationId, visibility: e.visibility, ...(e.cause ? { cause: e.cause } : {}) })
    }
    return value
  })
  for (const p of published) {
    ctx.pubsub.publish(p)
    ctx.onCommitted?.(p)
  }
  return result
}
