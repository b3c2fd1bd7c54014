import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import {
  expiredOffers, getConversation, insertDecline, lockConversationRow, openLoadOf, updateConversation, waitingInOfferQueues, type ConversationRow,
} from '../db/repositories/conversations.js'
import { getQueueRow } from '../db/repositories/queues.js'
import { lockEligibleAgent, markAssigned, offerCandidates } from '../db/repositories/users.js'
import type { AppContext } from './context.js'
import type { Emit } from './events.js'
import { withEvents } from './events.js'
import type { EventCause } from './pubsub.js'
import { announceAway, offerTimedOut } from './presence.js'

/**
 * Offer routing. A conversation in an offer-mode queue is offered to one available agent with
 * capacity (fewest open conversations first, then the one who got work longest ago). Accept picks
 * it; reject or timeout offers it to the next agent who hasn't declined it; with nobody left it
 * waits in the queue, where it can be picked from the Picklist or offered later.
 * Every decision is a conditional update under the conversation's row lock, never in-process
 * state, so several server processes may route at once.
 */

/** Open conversations an agent holds: picked by them or offered to them. */
export const loadOf = openLoadOf

/** Is this agent active, available, a member of the queue and under their limit? */
export async function canTakeMore(trx: Transaction<DB>, ctx: AppContext, userId: string, queueId: string): Promise<boolean> {
  // Locking the agent's row serialises two processes offering to the same agent at once.
  const u = await lockEligibleAgent(trx, ctx.kind, userId, queueId)
  if (!u) return false
  return (await openLoadOf(trx, userId)) < u.max_concurrent
}

/** Emits the conversation's state to each queue; `cause` says why when the state does not (a transfer). */
export async function emitUpdated(trx: Transaction<DB>, emit: Emit, id: string, queueIds: string[], cause?: EventCause) {
  const conversation = await getConversation(trx, id, null)
  if (!conversation) return
  for (const queueId of new Set(queueIds)) {
    await emit({ type: 'conversation.updated', conversationId: id, queueId, visibility: 'public', data: { conversation }, cause })
  }
}

/**
 * Agents who may be offered this conversation, best first: active, available, members of the
 * queue, under their limit, and who haven't declined it; fewest open chats first, then the one
 * who got work longest ago.
 */
async function rankedCandidates(trx: Transaction<DB>, queueId: string, conversationId: string) {
  const rows = await offerCandidates(trx, queueId, conversationId)
  return rows
    .filter((c) => Number(c.load) < c.max_concurrent)
    .sort((a, b) => Number(a.load) - Number(b.load) || (a.last_assigned_at ?? 0) - (b.last_assigned_at ?? 0) || a.id.localeCompare(b.id))
}

/** Offers the conversation (locked by the caller) to the best candidate, or leaves it queued; `cause`: see emitUpdated. */
export async function offerNext(
  trx: Transaction<DB>, ctx: AppContext, emit: Emit, conv: ConversationRow, cause?: EventCause,
): Promise<string | null> {
  const offerMs = ctx.offerMs
  const queue = await getQueueRow(trx, conv.queue_id)
  let chosen: string | null = null
  if (queue?.routing_mode === 'offer') {
    const ranked = await rankedCandidates(trx, conv.queue_id, conv.id)
    for (const c of ranked) {
      if (await canTakeMore(trx, ctx, c.id, conv.queue_id)) {
        chosen = c.id
        break
      }
    }
  }
  const now = Date.now()
  await updateConversation(trx, conv.id, chosen
    ? { state: 'offered', offered_to: chosen, offer_expires_at: now + offerMs, agent_id: null }
    : { state: 'queued', offered_to: null, offer_expires_at: null, agent_id: null })
  if (chosen) await markAssigned(trx, chosen, now)
  await emitUpdated(trx, emit, conv.id, [conv.queue_id], cause)
  return chosen
}

/** Offers queued conversations of offer-mode queues to agents who can take them, oldest first. */
export async function routeWaiting(ctx: AppContext, limit = 50): Promise<number> {
  const waiting = await waitingInOfferQueues(ctx.db, limit)
  let offered = 0
  for (const { id } of waiting) {
    const to = await withEvents(ctx, async (trx, emit) => {
      const conv = await lockConversationRow(trx, ctx.kind, id)
      if (!conv || conv.state !== 'queued') return null
      // Nothing to say when nobody can take it: don't write an event for "still queued".
      if ((await rankedCandidates(trx, conv.queue_id, conv.id)).length === 0) return null
      return offerNext(trx, ctx, emit, conv)
    })
    if (to) offered++
  }
  return offered
}

/**
 * Offers whose time ran out count as declined (timeout) and move on to the next agent; an agent
 * who let the admin's number of offers in a row run out is set Away (services/presence.ts).
 */
export async function expireOffers(ctx: AppContext, now = Date.now()): Promise<number> {
  const expired = await expiredOffers(ctx.db, now, 100)
  let n = 0
  for (const { id } of expired) {
    const away = await withEvents(ctx, async (trx, emit) => {
      const conv = await lockConversationRow(trx, ctx.kind, id)
      // Re-checked under the lock: another process may have handled it meanwhile.
      if (!conv || conv.state !== 'offered' || !conv.offered_to || (conv.offer_expires_at ?? Infinity) > now) return undefined
      await decline(trx, conv.id, conv.offered_to, 'timeout')
      // Before offerNext: an agent set Away here is not offered anything else in this transaction.
      const setAway = await offerTimedOut(trx, ctx, conv.offered_to)
      await offerNext(trx, ctx, emit, conv)
      n++
      return setAway
    })
    if (away) announceAway(ctx, away)
  }
  return n
}

/** An agent declined the offer (or let it time out): they are not offered it again this round. */
export const decline = insertDecline

/** The background loop: expire offers and offer waiting conversations. Safe to run in every process. */
export function startRouter(ctx: AppContext, everyMs = 1000): () => void {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    expireOffers(ctx)
      .then(() => routeWaiting(ctx))
      .catch((err: unknown) => console.error('routing loop failed', err))
      .finally(() => { running = false })
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
