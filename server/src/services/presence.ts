// Presence (Available / Away) and the missed-offers rule (issue 14, point 5).
import type { Transaction } from 'kysely'
import type { Presence, User } from '../api-types.js'
import type { DB } from '../db/schema.js'
import { countMissedOffer, getUser, resetMissedOffers, updateUser } from '../db/repositories/users.js'
import type { AppContext } from './context.js'
import { getWorkSettings } from './workSettings.js'

/**
 * The user chooses their presence. Available clears a server-set Away (its reason and the run of
 * missed offers); Away chosen by the user has no reason. Their other devices and the admins'
 * sockets hear of it (`user` frame).
 * @returns the user as stored now, or undefined if there is no such user
 */
export async function choosePresence(ctx: AppContext, userId: string, presence: Presence): Promise<User | undefined> {
  await updateUser(ctx.db, userId, presence === 'available'
    ? { presence, away_reason: null, away_since: null, missed_offers: 0 }
    : { presence, away_reason: null, away_since: null })
  const user = await getUser(ctx.db, userId)
  if (user) ctx.pubsub.publish({ kind: 'user', user })
  return user
}

/**
 * An offer to this agent timed out (inside the expiring transaction, which holds the
 * conversation's lock): one more in their run; at the admin's number (WorkSettings
 * missedOffersAway, 0 = never) they are set Away with reason 'missed_offers', so routing passes
 * them by until they choose Available. Offers they still hold run out as usual.
 * @returns the user when this set them Away (the caller announces it after the commit: announceAway)
 */
export async function offerTimedOut(trx: Transaction<DB>, ctx: AppContext, userId: string): Promise<User | undefined> {
  const { missedOffersAway } = await getWorkSettings(trx)
  if (!(await countMissedOffer(trx, userId, missedOffersAway, Date.now()))) return undefined
  return getUser(trx, userId)
}

/** After the commit: the agent's devices and admins get a `user` frame, the agent a push (pushPolicy). */
export function announceAway(ctx: AppContext, user: User): void {
  const p = { kind: 'user', user, cause: 'missed_offers' } as const
  ctx.pubsub.publish(p)
  ctx.onCommitted?.(p)
}

/** The agent answered an offer (Accept or Reject): the run of missed offers starts again. */
export const offerAnswered = resetMissedOffers
