import type { EventVisibility } from '../db/schema.js'
import type { ServerEvent, ServerFrame, User } from '../api-types.js'

/**
 * What crosses from the code that changes data to the sockets that show it.
 * `queueId` and `visibility` let the hub decide who may see an event without a query.
 * In-process on SQLite (pubsub.ts); across processes on PostgreSQL (pgPubSub.ts: events streamed
 * from the log below the horizon of running transactions, the rest over LISTEN/NOTIFY).
 */
export type Published =
  /**
   * `cause`: why, when the event's data does not say it; read by the push policy only (the same
   * process, services/app.ts onCommitted), neither logged nor sent to clients.
   */
  | { kind: 'event'; event: ServerEvent; queueId: string; conversationId: string; visibility: Visibility; cause?: EventCause }
  /** Typing is not stored and not replayed; `from` keeps it from echoing to the sender's side. */
  | { kind: 'typing'; frame: Extract<ServerFrame, { type: 'typing' }>; queueId: string; conversationId: string; from: 'agent' | 'customer' }
  /** Account changes that open sockets must act on at once. */
  | { kind: 'control'; control: 'user.deactivated' | 'membership.changed' | 'settings.changed'; userId: string | null }
  /**
   * Sessions that ended (services/sessions.ts): every process closes the sockets opened with one
   * of `sessionIds` (sha256 of the cookie token), or, with `userId`, every socket of that user.
   */
  | { kind: 'sessions.revoked'; sessionIds: string[]; userId: string | null; reason: RevokeReason }
  /** A customer's chat token no longer holds (revoked or expired): close that conversation's customer sockets. */
  | { kind: 'customer.revoked'; conversationId: string }
  /**
   * A user's presence changed (issue 14): their sockets and every admin socket get a `user` frame.
   * `cause` 'missed_offers': the server set them Away (the push policy tells them, in the process that committed).
   */
  | { kind: 'user'; user: User; cause?: 'missed_offers' }

/**
 * Who may see an event (besides the queue rule): `public` the conversation's customer and the
 * queue's agents; `internal` the agents only (notes, read markers); `customer` the customer only
 * (the Delivered/Read receipts on their messages, which no agent shows: sending those to every
 * agent of the queue doubled the frames of each customer message, bench/delivery.ts).
 */
export type Visibility = EventVisibility

/**
 * Why an event happened, when its data does not say: `transfer`: an agent (or a supervisor)
 * transferred the conversation (an offer it makes is a transfer); `assign`: a supervisor gave it
 * to an agent directly; `waiting`: only its waiting time changed (no push for an offer again).
 */
export type EventCause = 'transfer' | 'assign' | 'waiting'

/** Why sessions ended; `deactivated` tells the app so, the rest say "sign in again". */
export type RevokeReason = 'signed_out' | 'password_changed' | 'deactivated' | 'device_blocked' | 'expired'

export interface PubSub {
  /** Events: call once per committed event, after the commit (withEvents does). */
  publish(msg: Published): void
  subscribe(handler: (msg: Published) => void): () => void
  /**
   * Where the bus's event stream stands: every event placed at or below it has been handed to the
   * subscribers, every later one will be, in place order. Read it right after subscribing to bound a
   * replay from the log. Absent on the in-process bus (SQLite), where the log's newest id serves.
   */
  eventPosition?(): number
}

export function createLocalPubSub(): PubSub {
  const handlers = new Set<(msg: Published) => void>()
  return {
    publish(msg) {
      for (const h of handlers) h(msg)
    },
    subscribe(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
  }
}
