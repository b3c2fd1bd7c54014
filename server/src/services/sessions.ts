import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { deleteSessionsById, deleteSessionsOfUser } from '../db/repositories/sessions.js'
import type { AppContext } from './context.js'
import type { RevokeReason } from './pubsub.js'

/**
 * Which sessions end: some by id (sha256 of the cookie token, `sessions.id`), and/or every
 * session of one user.
 */
export interface SessionTarget {
  sessionIds?: string[]
  userId?: string
}

/** Session ids listed in a notification; NOTIFY payloads stop at 8000 bytes (64 hex chars each). */
const MAX_LISTED = 60

/**
 * Ends sessions in `db` (the caller's transaction when the change that ends them is transactional,
 * e.g. a password reset) and returns what `announceRevoked` must send once that has committed.
 * REST answers 401 from then on, since the rows are gone.
 */
export async function endSessions(db: Kysely<DB>, target: SessionTarget, reason: RevokeReason): Promise<Revocation> {
  const ids = new Set<string>()
  if (target.sessionIds?.length) {
    for (const id of await deleteSessionsById(db, target.sessionIds)) ids.add(id)
    // Announce the ids asked for even when already gone: a socket may still hold one.
    for (const id of target.sessionIds) ids.add(id)
  }
  if (target.userId) {
    for (const id of await deleteSessionsOfUser(db, target.userId)) ids.add(id)
  }
  // Listed ids also reach sockets still opening (whose user isn't known yet); with more than
  // fit, the user id covers the open ones and the periodic check the rest.
  return { sessionIds: [...ids].slice(0, MAX_LISTED), userId: target.userId ?? null, reason }
}

export interface Revocation {
  sessionIds: string[]
  userId: string | null
  reason: RevokeReason
}

/**
 * Tells every server process (through ctx.pubsub: in-process, or PostgreSQL NOTIFY) to close the
 * sockets of the ended sessions at once. Call after the deletion committed, so a client that
 * reconnects right away is refused.
 */
export function announceRevoked(ctx: AppContext, r: Revocation): void {
  if (r.sessionIds.length === 0 && !r.userId) return
  ctx.pubsub.publish({ kind: 'sessions.revoked', sessionIds: r.sessionIds, userId: r.userId, reason: r.reason })
}

/**
 * The one rule for ending sessions: the rows go (REST answers 401) and every live socket opened
 * with them is closed within a second, on every process. Sign-out, a blocked device, password
 * reset and deactivation all come through here (transactional callers use `endSessions` in their
 * transaction, then `announceRevoked`).
 */
export async function revokeSessions(ctx: AppContext, target: SessionTarget, reason: RevokeReason): Promise<void> {
  announceRevoked(ctx, await endSessions(ctx.db, target, reason))
}

/** Tells every process that a customer's chat token stopped holding (revoked or expired). */
export function announceCustomerRevoked(ctx: AppContext, conversationId: string): void {
  ctx.pubsub.publish({ kind: 'customer.revoked', conversationId })
}
