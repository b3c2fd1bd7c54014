import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import { getConversation, lockConversationRow, type ConversationRow } from '../db/repositories/conversations.js'
import type { AppContext } from './context.js'
import type { Emit } from './events.js'
import { withEvents } from './events.js'
import type { EventCause } from './pubsub.js'

/**
 * Offer routing. A conversation in an offer-mode queue is offered to one available agent with
 * capacity (fewest open conversations first, then the one who got work longest ago). Accept picks
 * it; reject or timeout offers it to the next agent who hasn't declined it; with nobody left it
 * waits in the queue, where it can be picked from the Picklist or offered later.
 * Every decision is a conditional update under the conversation's row lock, never in-process
 * state, so several server processes may route at once.
 */

/** Open conversations an agent holds: picked by them or offered to them. */
export async function loadOf(trx: Transaction<DB> | AppContext['db'], userId: string): Promise<number> {
  const row = await trx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([
      eb.and([eb('state', '=', 'picked'), eb('agent_id', '=', userId)]),
      eb.and([eb('state', '=', 'offered'), eb('offered_to', '=', userId)]),
    ]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Is this agent active, available, a member of the queue and under their limit? */
export async function canTakeMore(trx: Transaction<DB>, ctx: AppContext, userId: string, queueId: string): Promise<boolean> {
  let q = trx
    .selectFrom('users as u')
    .innerJoin('queue_members as m', (j) => j.onRef('m.user_id', '=', 'u.id').on('m.queue_id', '=', queueId))
    .select(['u.max_concurrent'])
    .where('u.id', '=', userId)
    .where('u.active', '=', 1)
    .where('u.presence', '=', 'available')
  // Locking the agent's row serialises two processes offering to the same agent at once.
  if (ctx.kind === 'postgres') q = q.forUpdate()
  const u = await q.executeTakeFirst()
  if (!u) return false
  return (await loadOf(trx, userId)) < u.max_concurrent
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
  const rows = await trx
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
  return rows
    .filter((c) => Number(c.load) < c.max_concurrent)
    .sort((a, b) => Number(a.load) - Number(b.load) || (a.last_assigned_at ?? 0) - (b.last_assigned_at ?? 0) || a.id.localeCompare(b.id))
}

/** Offers the conversation (locked by the caller) to the best candidate, or leaves it queued; `cause`: see emitUpdated. */
export async function offerNext(
  trx: Transaction<DB>, ctx: AppContext, emit: Emit, conv: ConversationRow, cause?: EventCause,
): Promise<string | null> {
  const offerMs = ctx.offerMs
  const queue = await trx.selectFrom('queues').select('routing_mode').where('id', '=', conv.queue_id).executeTakeFirst()
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
  await trx
    .updateTable('conversations')
    .set(chosen
      ? { state: 'offered', offered_to: chosen, offer_expires_at: now + offerMs, agent_id: null }
      : { state: 'queued', offered_to: null, offer_expires_at: null, agent_id: null })
    .where('id', '=', conv.id)
    .execute()
  if (chosen) await trx.updateTable('users').set({ last_assigned_at: now }).where('id', '=', chosen).execute()
  await emitUpdated(trx, emit, conv.id, [conv.queue_id], cause)
  return chosen
}

/** Offers queued conversations of offer-mode queues to agents who can take them, oldest first. */
export async function routeWaiting(ctx: AppContext, limit = 50): Promise<number> {
  const waiting = await ctx.db
    .selectFrom('conversations as c')
    .innerJoin('queues as q', 'q.id', 'c.queue_id')
    .select('c.id')
    .where('c.state', '=', 'queued')
    .where('q.routing_mode', '=', 'offer')
    .orderBy('c.arrived_at')
    .limit(limit)
    .execute()
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

/** Offers whose time ran out count as declined (timeout) and move on to the next agent. */
export async function expireOffers(ctx: AppContext, now = Date.now()): Promise<number> {
  const expired = await ctx.db
    .selectFrom('conversations')
    .select('id')
    .where('state', '=', 'offered')
    .where('offer_expires_at', '<=', now)
    .limit(100)
    .execute()
  let n = 0
  for (const { id } of expired) {
    await withEvents(ctx, async (trx, emit) => {
      const conv = await lockConversationRow(trx, ctx.kind, id)
      // Re-checked under the lock: another process may have handled it meanwhile.
      if (!conv || conv.state !== 'offered' || !conv.offered_to || (conv.offer_expires_at ?? Infinity) > now) return
      await decline(trx, conv.id, conv.offered_to, 'timeout')
      await offerNext(trx, ctx, emit, conv)
      n++
    })
  }
  return n
}

export async function decline(trx: Transaction<DB>, conversationId: string, userId: string, reason: 'rejected' | 'timeout') {
  await trx
    .insertInto('offer_declines')
    .values({ conversation_id: conversationId, user_id: userId, reason, created_at: Date.now() })
    .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
    .execute()
}

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
