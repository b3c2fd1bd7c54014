import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { AuthorKind, Conversation, Message, Note, ReassignAction } from '../api-types.js'
import type { DB } from '../db/schema.js'
import {
  clearDeclines, conversationByTokenHash, isQueueMember, conversationsByTokenHashes, getConversation, getMessageByClientId, insertConversation, insertedMessage, lockConversationRow, lockConversationRows, lockHeldBy, setAgentDelivered,
  revokeTokenOf, transferredWithKey, updateConversation, updateConversationIf, type ConversationRow,
} from '../db/repositories/conversations.js'
import { linkAttachments } from '../db/repositories/attachments.js'
import { customerForIdentity, insertCustomer, insertNote, noteByClientId } from '../db/repositories/customers.js'
import { insertNextMessage, readMarkerOf, upsertReadMarker } from '../db/repositories/messages.js'
import { getQueueRow, queueByAddress } from '../db/repositories/queues.js'
import { withSavepoint } from '../db/repositories/savepoints.js'
import { activeUser, displayNameOf, markAssigned, readUserShared } from '../db/repositories/users.js'
import { announceCustomerRevoked } from './sessions.js'
import type { AppContext } from './context.js'
import { conflict, HttpError, notFound } from './errors.js'
import { withEvents, type Emit, type EventInput } from './events.js'
import type { EventCause, Visibility } from './pubsub.js'
import { canTakeMore, decline, emitUpdated, offerNext } from './routing.js'
import { provenIdentity } from './identity.js'
import { offerAnswered } from './presence.js'
import { isolate } from '../text.js'

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** Locks the conversation row (PostgreSQL) so concurrent changes to it run one after the other. */
async function lockConversation(trx: Transaction<DB>, ctx: AppContext, id: string) {
  const row = await lockConversationRow(trx, ctx.kind, id)
  if (!row) throw notFound('Conversation not found')
  return row
}

async function emitConversation(trx: Transaction<DB>, emit: Emit, id: string, cause?: EventCause, visibility: Visibility = 'public'): Promise<Conversation> {
  const conversation = await getConversation(trx, id, null)
  if (!conversation) throw notFound('Conversation not found')
  await emit({ type: 'conversation.updated', conversationId: id, queueId: conversation.queue.id, visibility, data: { conversation }, cause })
  return conversation
}

interface NewMessage {
  conversationId: string
  clientId: string
  text: string
  authorKind: AuthorKind
  authorId: string | null
  attachmentIds?: string[]
}

/** Appends a message inside a transaction that already holds the conversation's lock. */
async function appendMessage(trx: Transaction<DB>, emit: Emit, queueId: string, m: NewMessage): Promise<Message> {
  const inserted = await insertNextMessage(trx, m)
  const withFiles = !!m.attachmentIds?.length
  if (withFiles) await linkFiles(trx, inserted.id, m)
  // Read back only what the insert doesn't tell: files, an agent's name (one statement less per customer message).
  const message = (!withFiles && insertedMessage(m, inserted)) || await getMessageByClientId(trx, m.clientId, withFiles ? 'read' : 'none')
  if (!message) throw new Error('message vanished after insert')
  await emit({ type: 'message.created', conversationId: m.conversationId, queueId, visibility: 'public', data: { message } })
  // Lists show how long the customer has waited: they hear when the wait starts or ends.
  if (inserted.waitingChanged) await emitConversation(trx, emit, m.conversationId, 'waiting')
  return message
}

/**
 * Attachments join a message only if they were uploaded to this conversation by the same side
 * (and, for agents, the same agent) and are not part of another message yet.
 */
async function linkFiles(trx: Transaction<DB>, messageId: string, m: NewMessage) {
  const ids = m.attachmentIds ?? []
  const linked = await linkAttachments(trx, messageId, ids, m.conversationId, { kind: m.authorKind === 'agent' ? 'agent' : 'customer', id: m.authorId })
  if (linked !== ids.length) throw notFound('Attachment not found')
}

export interface SendResult {
  message: Message
  created: boolean
}

type Author = { kind: 'agent'; userId: string } | { kind: 'customer' }

interface SendInput {
  clientId: string
  text: string
  attachmentIds?: string[] | undefined
}

/**
 * One message into a conversation whose row `conv` the transaction has locked: a clientId already
 * stored answers with the stored message (409 `client_id_reused` if in another conversation), then
 * the single send's rules (409 `conversation_ended`, `not_owner`; 404 for an attachment that is not
 * the sender's upload to this chat). Read receipts are the caller's (see agentWrote).
 */
async function storeMessage(trx: Transaction<DB>, emit: Emit, conv: ConversationRow, input: SendInput, author: Author): Promise<SendResult> {
  const existing = await getMessageByClientId(trx, input.clientId)
  if (existing) {
    if (existing.conversationId !== conv.id) throw conflict('client_id_reused', 'This message id was already used in another conversation')
    return { message: existing, created: false }
  }
  if (conv.state === 'ended') throw conflict('conversation_ended', 'This chat has ended')
  if (author.kind === 'agent' && (conv.state !== 'picked' || conv.agent_id !== author.userId)) {
    throw conflict('not_owner', 'You can only write in conversations you have picked')
  }
  const message = await appendMessage(trx, emit, conv.queue_id, {
    conversationId: conv.id,
    clientId: input.clientId,
    text: input.text,
    authorKind: author.kind,
    authorId: author.kind === 'agent' ? author.userId : null,
    attachmentIds: input.attachmentIds ?? [],
  })
  return { message, created: true }
}

/**
 * An agent who writes has read everything before it: their read marker moves to their message
 * `seq`, and the customer's receipts ("Read") to the message before it (`conv`: the row as locked).
 */
async function agentWrote(trx: Transaction<DB>, emit: Emit, conv: ConversationRow, userId: string, seq: number): Promise<void> {
  await markRead(trx, userId, conv.id, seq)
  await raiseAgentReceipts(trx, emit, { ...conv, last_seq: Math.max(conv.last_seq, seq - 1) }, seq - 1, seq - 1)
}

/**
 * Idempotent send: a clientId already stored answers with the stored message, never a second row.
 * The conversation lock is taken before the clientId check so two racing retries serialise.
 */
export async function sendMessage(
  ctx: AppContext,
  input: SendInput & { conversationId: string; author: Author },
): Promise<SendResult> {
  return withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, input.conversationId)
    const result = await storeMessage(trx, emit, conv, input, input.author)
    if (result.created && input.author.kind === 'agent') await agentWrote(trx, emit, conv, input.author.userId, result.message.seq)
    return result
  })
}

/** What a batch send answers: the stored prefix, and the item that failed (the rest were not tried). */
export interface BatchResult {
  /** In order; an item sent before (same clientId) is answered with the message stored then. */
  stored: Message[]
  failed?: { clientId: string; index: number; status: number; error: { code: string; message: string } }
}

/**
 * Sends a batch of messages to one conversation, in order, each under the single send's rules
 * (ownership, ended chat, attachments, idempotency per clientId), stopping at the first item
 * refused: everything before it stays stored and is returned, the refusal is reported with its
 * index. A repeated batch stores nothing twice. Errors that are not refusals (HttpError) are thrown
 * and store nothing of the batch.
 *
 * One transaction for the whole batch (one lock, one commit); each item in its own savepoint, so a
 * refused item leaves no trace (its events are dropped too) while the prefix before it commits. The
 * agent's read marker and the customer's receipts move once, after the last stored message, to where
 * item-by-item sends would have left them: one `agentReceipts.updated` per batch, not one per message.
 */
export async function sendBatch(
  ctx: AppContext,
  input: {
    conversationId: string
    messages: SendInput[]
    author: Author
  },
): Promise<BatchResult> {
  return withEvents(ctx, async (trx, emit) => {
    const stored: Message[] = []
    let lastCreatedSeq = 0
    let conv: ConversationRow | undefined
    for (const [index, m] of input.messages.entries()) {
      const events: EventInput[] = []
      try {
        conv ??= await lockConversation(trx, ctx, input.conversationId)
        const locked = conv
        const { message, created } = await withSavepoint(trx, () =>
          storeMessage(trx, async (e) => void events.push(e), locked, { ...m, text: m.text.trim() }, input.author))
        for (const e of events) await emit(e)
        stored.push(message)
        if (created) lastCreatedSeq = message.seq
      } catch (err) {
        if (!(err instanceof HttpError)) throw err
        if (conv && lastCreatedSeq && input.author.kind === 'agent') await agentWrote(trx, emit, conv, input.author.userId, lastCreatedSeq)
        return { stored, failed: { clientId: m.clientId, index, status: err.statusCode, error: { code: err.code, message: err.message } } }
      }
    }
    if (conv && lastCreatedSeq && input.author.kind === 'agent') await agentWrote(trx, emit, conv, input.author.userId, lastCreatedSeq)
    return { stored }
  })
}

/** Moves an agent's read marker forward (never backwards: an older device may report late). */
export const markRead = upsertReadMarker

const agentName = displayNameOf

const systemClientId = () => `system-${randomUUID()}`

/**
 * The agent taking a conversation must still be active. On PostgreSQL the share lock and a
 * deactivation's update of the user's row wait for each other, so a pick racing a deactivation
 * either commits first (and the deactivation returns that chat too) or sees the agent inactive
 * and is refused.
 */
async function activeAgentName(trx: Transaction<DB>, ctx: AppContext, userId: string): Promise<string> {
  const u = await readUserShared(trx, ctx.kind, userId)
  if (!u || u.active !== 1) throw new HttpError(401, 'unauthorized', 'Please sign in')
  return u.display_name
}

/** After a pick or an accepted offer: the in-thread notice, the update event, the agent's view. */
async function joined(trx: Transaction<DB>, ctx: AppContext, emit: Emit, queueId: string, conversationId: string, userId: string): Promise<Conversation> {
  const name = await activeAgentName(trx, ctx, userId)
  await appendMessage(trx, emit, queueId, {
    conversationId, clientId: systemClientId(), text: `${isolate(name)} joined the chat`, authorKind: 'system', authorId: userId,
  })
  await emitConversation(trx, emit, conversationId)
  return (await getConversation(trx, conversationId, userId))!
}

/** An action's result; `replayed`: it had already been done (the route shapes that answer, see replayAnswer). */
export interface ActionResult { conversation: Conversation; replayed: boolean }

/** Pick a queued conversation. Exactly one agent wins; the others get 409 already_picked. */
export async function pickConversation(ctx: AppContext, conversationId: string, userId: string): Promise<ActionResult> {
  return withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, conversationId)
    if (conv.state === 'picked' && conv.agent_id === userId) {
      const current = await getConversation(trx, conversationId, userId)
      if (current) return { conversation: current, replayed: true }
    }
    // Conditional update: the state check and the write are one statement.
    if (!(await updateConversationIf(trx, conversationId, 'queued', { state: 'picked', agent_id: userId, picked_at: Date.now() }))) {
      if (conv.state === 'ended') throw conflict('conversation_ended', 'This chat has already ended')
      throw conflict('already_picked', 'Another agent already picked this conversation')
    }
    return { conversation: await joined(trx, ctx, emit, conv.queue_id, conversationId, userId), replayed: false }
  })
}

export async function endConversation(ctx: AppContext, conversationId: string, userId: string): Promise<ActionResult> {
  return withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, conversationId)
    // Ended by me already (a retried End from the outbox, or my other device): done.
    if (conv.state === 'ended' && conv.agent_id === userId) return { conversation: (await getConversation(trx, conversationId, userId))!, replayed: true }
    if (conv.state === 'ended') throw conflict('conversation_ended', 'This chat has already ended')
    if (conv.state !== 'picked' || conv.agent_id !== userId) throw conflict('not_owner', 'Only the agent handling this chat can end it')
    await updateConversation(trx, conversationId, { state: 'ended', ended_at: Date.now(), waiting_since: null })
    const name = await agentName(trx, userId)
    await appendMessage(trx, emit, conv.queue_id, {
      conversationId, clientId: systemClientId(), text: `Chat ended by ${isolate(name)}`, authorKind: 'system', authorId: userId,
    })
    await emitConversation(trx, emit, conversationId)
    return { conversation: (await getConversation(trx, conversationId, userId))!, replayed: false }
  })
}

export interface StartInput {
  queueAddress: string
  /** What the customer typed (kept on this conversation only, never proof of identity). */
  name: string
  email?: string | undefined
  phone?: string | undefined
  channel?: string
  /** The chat page's long-lived random device key (links chats from the same browser). */
  deviceKey?: string | undefined
  /** A user id signed by the company's website: `userHash` = hex HMAC-SHA256(secret, userId). */
  userId?: string | undefined
  userHash?: string | undefined
}

/**
 * A customer starts a chat: a queued conversation carrying what they typed, a token bound to it
 * alone, and the customer it belongs to. That customer is an existing one only when the start
 * proves the identity (see services/identity.ts); typed details never pick or change a record.
 */
export async function startConversation(ctx: AppContext, input: StartInput): Promise<{ token: string; conversation: Conversation }> {
  const identity = await provenIdentity(ctx.db, input)
  return withEvents(ctx, async (trx, emit) => {
    const queue = await queueByAddress(trx, input.queueAddress)
    if (!queue) throw notFound('There is no chat at this address')
    const now = Date.now()
    const email = input.email?.toLowerCase() || null
    const phone = input.phone || null
    let customerId: string | undefined
    if (identity) {
      // Insert-or-find in one statement, so two first chats of one browser can't race into two records.
      customerId = await customerForIdentity(trx, {
        id: randomUUID(), name: input.name, email, phone, created_at: now,
        identity_kind: identity.kind, identity_key: identity.key, external_id: identity.externalId,
      })
    } else {
      customerId = randomUUID()
      await insertCustomer(trx, {
        id: customerId, name: input.name, email, phone, created_at: now, identity_kind: null, identity_key: null, external_id: null,
      })
    }
    const token = randomBytes(32).toString('base64url')
    const id = randomUUID()
    await insertConversation(trx, {
      id, customer_id: customerId, queue_id: queue.id, channel: input.channel ?? 'web', state: 'queued', agent_id: null,
      arrived_at: now, picked_at: null, ended_at: null, last_message_at: null, last_seq: 0,
      customer_token_hash: hashToken(token), customer_delivered_seq: 0, customer_read_seq: 0,
      contact_name: input.name, contact_email: email, contact_phone: phone, customer_token_revoked_at: null,
    })
    const conversation = await getConversation(trx, id, null)
    if (!conversation) throw new Error('conversation vanished after insert')
    await emit({ type: 'conversation.created', conversationId: id, queueId: queue.id, visibility: 'internal', data: { conversation } })
    if (queue.routing_mode === 'offer') {
      const row = await lockConversation(trx, ctx, id)
      await offerNext(trx, ctx, emit, row)
      return { token, conversation: (await getConversation(trx, id, null))! }
    }
    return { token, conversation }
  })
}

/** The customer's device reports what it received and showed; markers only move forward. */
export async function updateReceipts(ctx: AppContext, conversationId: string, r: { deliveredSeq?: number | undefined; readSeq?: number | undefined }) {
  await withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, conversationId)
    const delivered = Math.min(conv.last_seq, Math.max(conv.customer_delivered_seq, r.deliveredSeq ?? 0, r.readSeq ?? 0))
    const read = Math.min(delivered, Math.max(conv.customer_read_seq, r.readSeq ?? 0))
    if (delivered === conv.customer_delivered_seq && read === conv.customer_read_seq) return
    await updateConversation(trx, conversationId, { customer_delivered_seq: delivered, customer_read_seq: read })
    await emit({ type: 'receipts.updated', conversationId, queueId: conv.queue_id, visibility: 'internal', data: { deliveredSeq: delivered, readSeq: read } })
  })
}

/** Days a customer token keeps working after its chat ended (CUSTOMER_TOKEN_DAYS). */
export const DEFAULT_CUSTOMER_TOKEN_DAYS = 30

/**
 * The conversation a customer token opens, or undefined: unknown, revoked, or more than
 * `ctx.customerTokenMs` after the chat ended.
 */
export async function conversationIdForToken(ctx: AppContext, token: string): Promise<string | undefined> {
  const row = await conversationByTokenHash(ctx.db, hashToken(token))
  return row && tokenHolds(ctx, row) ? row.id : undefined
}

/** A token holds until revoked, and until `ctx.customerTokenMs` after its chat ended. */
const tokenHolds = (ctx: AppContext, row: { ended_at: number | null; customer_token_revoked_at: number | null }, now = Date.now()): boolean =>
  row.customer_token_revoked_at === null && (row.ended_at === null || row.ended_at + ctx.customerTokenMs >= now)

/**
 * Which of these customer tokens still hold, each with its conversation id (one query per 500
 * tokens; the realtime hub's periodic check of its open customer sockets).
 */
export async function liveCustomerTokens(ctx: AppContext, tokens: string[]): Promise<Map<string, string>> {
  const byHash = new Map(tokens.map((t) => [hashToken(t), t]))
  const hashes = [...byHash.keys()]
  const live = new Map<string, string>()
  for (let i = 0; i < hashes.length; i += 500) {
    for (const row of await conversationsByTokenHashes(ctx.db, hashes.slice(i, i + 500))) {
      const token = row.customer_token_hash === null ? undefined : byHash.get(row.customer_token_hash)
      if (token && tokenHolds(ctx, row)) live.set(token, row.id)
    }
  }
  return live
}

/** Revokes a conversation's customer token at once (a leaked chat link, an erasure). Idempotent. */
export async function revokeCustomerToken(ctx: AppContext, conversationId: string): Promise<void> {
  await revokeTokenOf(ctx.db, conversationId)
  // Open customer sockets of this chat close now, on every process.
  announceCustomerRevoked(ctx, conversationId)
}

/** Accept an offer made to me. */
export async function acceptOffer(ctx: AppContext, conversationId: string, userId: string): Promise<Conversation> {
  return withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, conversationId)
    const accepted = await updateConversationIf(trx, conversationId, 'offered', { state: 'picked', agent_id: userId, picked_at: Date.now(), offered_to: null, offer_expires_at: null }, userId)
    if (!accepted) throw conflict('offer_gone', 'This offer is no longer available')
    await offerAnswered(trx, userId)
    return joined(trx, ctx, emit, conv.queue_id, conversationId, userId)
  })
}

/** Reject an offer made to me: it goes to the next agent, or waits in the queue. */
export async function rejectOffer(ctx: AppContext, conversationId: string, userId: string): Promise<void> {
  await withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, conversationId)
    if (conv.state !== 'offered' || conv.offered_to !== userId) throw conflict('offer_gone', 'This offer is no longer available')
    await decline(trx, conversationId, userId, 'rejected')
    await offerAnswered(trx, userId)
    await offerNext(trx, ctx, emit, conv)
  })
}

export interface TransferInput {
  queueId: string
  agentId?: string | undefined
  note?: string | undefined
  /** The app's id for this transfer: a repeat (a retried queued Transfer) answers with the conversation. */
  clientId?: string | undefined
}

/**
 * I already made this transfer (by its client id): a retry is answered (with an acknowledgement,
 * see replayAnswer) even if the chat left my queues. Rows from before migration 0007 don't know
 * who transferred: the key alone decides there.
 */
export async function transferredWith(ctx: AppContext, conversationId: string, clientId: string, userId: string): Promise<boolean> {
  return transferredWithKey(ctx.db, conversationId, clientId, userId)
}

export type TransferResult = { replayed: false; conversation: Conversation } | { replayed: true }

/**
 * Transfer a conversation I have picked to a queue, or to an agent in that queue. It leaves my
 * Conversations; an agent transfer is offered to that agent alone; otherwise the queue's routing
 * applies (offered in offer mode, else waiting in its Picklist).
 */
export async function transferConversation(ctx: AppContext, conversationId: string, userId: string, input: TransferInput): Promise<TransferResult> {
  return withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, conversationId)
    // A repeat of my own transfer: done already. What the caller may see of it is the route's call.
    if (input.clientId && conv.transfer_client_id === input.clientId && (conv.transfer_by === null || conv.transfer_by === userId)) {
      return { replayed: true as const }
    }
    if (conv.state === 'ended') throw conflict('conversation_ended', 'This chat has already ended')
    if (conv.state !== 'picked' || conv.agent_id !== userId) throw conflict('not_owner', 'Only the agent handling this chat can transfer it')
    const queue = await getQueueRow(trx, input.queueId)
    if (!queue) throw notFound('Queue not found')
    let target: { id: string; display_name: string } | undefined
    if (input.agentId) {
      if (input.agentId === userId) throw conflict('same_agent', 'You are already handling this chat')
      target = await activeUser(trx, input.agentId)
      if (!target) throw notFound('Agent not found')
      if (!(await canTakeMore(trx, ctx, target.id, queue.id))) {
        throw conflict('agent_unavailable', `${target.display_name} can't take this chat now (away, at their limit, or not in ${queue.name})`)
      }
    }
    const me = await agentName(trx, userId)
    await updateConversation(trx, conversationId, {
      queue_id: queue.id, state: 'queued', agent_id: null, offered_to: null, offer_expires_at: null, transfer_client_id: input.clientId ?? null, transfer_by: userId,
    })
    // Declines from an earlier round don't bind the new queue's agents.
    await clearDeclines(trx, conversationId)
    if (input.note?.trim()) {
      await addNoteInTrx(trx, emit, { conversationId, queueId: queue.id, authorId: userId, text: input.note.trim() })
    }
    await appendMessage(trx, emit, queue.id, {
      conversationId, clientId: systemClientId(), authorKind: 'system', authorId: userId,
      text: target ? `Transferred by ${isolate(me)} to ${isolate(target.display_name)} (${isolate(queue.name)})` : `Transferred by ${isolate(me)} to ${isolate(queue.name)}`,
    })
    const moved = { ...conv, queue_id: queue.id, state: 'queued' as const, agent_id: null }
    if (target) {
      const now = Date.now()
      await updateConversation(trx, conversationId, { state: 'offered', offered_to: target.id, offer_expires_at: now + ctx.offerMs })
      await markAssigned(trx, target.id, now)
      await emitUpdated(trx, emit, conversationId, [conv.queue_id, queue.id], 'transfer')
    } else {
      await offerNext(trx, ctx, emit, moved, 'transfer')
      // The old queue's agents (and my other devices) must see it leave.
      if (conv.queue_id !== queue.id) await emitUpdated(trx, emit, conversationId, [conv.queue_id], 'transfer')
    }
    return { replayed: false as const, conversation: (await getConversation(trx, conversationId, userId))! }
  })
}

export interface ReassignInput {
  /** The supervisor's id for this move: a repeat by them answers with the conversation. */
  clientId: string
  action: ReassignAction
  /** offer, assign: the agent. */
  agentId?: string | undefined
  /** queue: the queue it goes back to (default: its own). */
  queueId?: string | undefined
}

/**
 * A supervisor (admin) moves an open conversation (issue 14, point 4); the thread records the
 * move in a system line, and the update event reaches every client of its queue(s).
 *  - offer: offered to that agent as a transfer offer is (timeout, Accept/Reject, push); they
 *    must be able to take it now: active, Available, in its queue, under their limit.
 *  - assign: picked by that agent at once; they must be active and in its queue, but Away and
 *    the limit don't stop it: the supervisor decides deliberately (say, to give a chat back to
 *    the agent who knows the customer), and the agent is told by push.
 *  - queue: back to its queue (or `queueId`'s), routed as a new arrival there (offer or Picklist).
 *  - takeover: picked by the supervisor, who must be in its queue (sockets and lists follow queue
 *    membership: outside it they would not hear the customer).
 * Idempotent per clientId and supervisor (stored like a transfer's key).
 * @throws 404 (conversation, agent or queue unknown); 409 conversation_ended, same_agent,
 *   agent_unavailable, not_member; 400 bad_request (offer/assign without agentId)
 */
export async function reassignConversation(ctx: AppContext, adminId: string, conversationId: string, input: ReassignInput): Promise<TransferResult> {
  return withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, conversationId)
    if (conv.transfer_client_id === input.clientId && conv.transfer_by === adminId) return { replayed: true as const }
    if (conv.state === 'ended') throw conflict('conversation_ended', 'This chat has already ended')
    const holder = conv.state === 'picked' ? conv.agent_id : conv.state === 'offered' ? conv.offered_to : null
    const me = isolate(await activeAgentName(trx, ctx, adminId))
    const now = Date.now()
    const moved = { transfer_client_id: input.clientId, transfer_by: adminId, offered_to: null, offer_expires_at: null }
    // Declines from an earlier round don't bind this one.
    await clearDeclines(trx, conversationId)
    const line = (text: string, queueId = conv.queue_id) =>
      appendMessage(trx, emit, queueId, { conversationId, clientId: systemClientId(), authorKind: 'system', authorId: adminId, text })

    if (input.action === 'offer' || input.action === 'assign') {
      if (!input.agentId) throw new HttpError(400, 'bad_request', 'Say which agent gets the chat (agentId)')
      const target = await activeUser(trx, input.agentId)
      if (!target) throw notFound('Agent not found')
      if (target.id === holder) throw conflict('same_agent', `${target.display_name} already has this chat`)
      const queue = (await getQueueRow(trx, conv.queue_id))!
      const eligible = input.action === 'offer' ? await canTakeMore(trx, ctx, target.id, conv.queue_id) : await isQueueMember(trx, target.id, conv.queue_id)
      if (!eligible) {
        throw conflict('agent_unavailable', input.action === 'offer'
          ? `${target.display_name} can't take this chat now (away, at their limit, or not in ${queue.name})`
          : `${target.display_name} is not in ${queue.name}`)
      }
      if (input.action === 'offer') {
        await updateConversation(trx, conversationId, { ...moved, state: 'offered', agent_id: null, offered_to: target.id, offer_expires_at: now + ctx.offerMs })
        await markAssigned(trx, target.id, now)
        await line(`Offered to ${isolate(target.display_name)} by ${me}`)
        await emitUpdated(trx, emit, conversationId, [conv.queue_id], 'transfer')
      } else {
        await updateConversation(trx, conversationId, { ...moved, state: 'picked', agent_id: target.id, picked_at: now })
        await markAssigned(trx, target.id, now)
        await line(`Reassigned to ${isolate(target.display_name)} by ${me}`)
        await emitUpdated(trx, emit, conversationId, [conv.queue_id], 'assign')
      }
    } else if (input.action === 'takeover') {
      if (holder === adminId && conv.state === 'picked') throw conflict('same_agent', 'You already have this chat')
      if (!(await isQueueMember(trx, adminId, conv.queue_id))) {
        const queue = (await getQueueRow(trx, conv.queue_id))!
        throw conflict('not_member', `Add yourself to ${queue.name} first: its chats reach only its members`)
      }
      await updateConversation(trx, conversationId, { ...moved, state: 'picked', agent_id: adminId, picked_at: now })
      await line(`${me} took over the chat`)
      await emitUpdated(trx, emit, conversationId, [conv.queue_id])
    } else {
      const queue = await getQueueRow(trx, input.queueId ?? conv.queue_id)
      if (!queue) throw notFound('Queue not found')
      await updateConversation(trx, conversationId, { ...moved, queue_id: queue.id, state: 'queued', agent_id: null })
      await line(`Returned to ${isolate(queue.name)} by ${me}`, queue.id)
      await offerNext(trx, ctx, emit, { ...conv, ...moved, queue_id: queue.id, state: 'queued', agent_id: null }, 'transfer')
      // The old queue's agents (and the old holder's devices) see it leave.
      if (queue.id !== conv.queue_id) await emitUpdated(trx, emit, conversationId, [conv.queue_id], 'transfer')
    }
    return { replayed: false as const, conversation: (await getConversation(trx, conversationId, adminId))! }
  })
}

async function addNoteInTrx(
  trx: Transaction<DB>, emit: Emit, n: { conversationId: string; queueId: string; authorId: string; text: string; clientId?: string | undefined },
): Promise<Note> {
  const id = randomUUID()
  const createdAt = Date.now()
  await insertNote(trx, { id, conversation_id: n.conversationId, author_id: n.authorId, text: n.text, created_at: createdAt, client_id: n.clientId ?? null })
  const note: Note = { id, conversationId: n.conversationId, authorId: n.authorId, authorName: await agentName(trx, n.authorId), text: n.text, createdAt }
  await emit({ type: 'note.created', conversationId: n.conversationId, queueId: n.queueId, visibility: 'internal', data: { note } })
  return note
}

/**
 * Adds an internal note. With a clientId it is idempotent like messages: a repeat answers the
 * stored note (created false), never a second row. The lock serialises racing retries.
 */
export async function addNote(
  ctx: AppContext, conversationId: string, authorId: string, text: string, clientId?: string,
): Promise<{ note: Note; created: boolean }> {
  return withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, conversationId)
    if (clientId) {
      const row = await noteByClientId(trx, conversationId, clientId)
      if (row) {
        if (row.author_id !== authorId) throw conflict('client_id_reused', 'This note id was already used')
        return { note: { id: row.id, conversationId, authorId, authorName: row.display_name, text: row.text, createdAt: row.created_at }, created: false }
      }
    }
    return { note: await addNoteInTrx(trx, emit, { conversationId, queueId: conv.queue_id, authorId, text, clientId }), created: true }
  })
}

/** Moves my read marker and tells my other devices. */
export async function readUpTo(ctx: AppContext, conversationId: string, userId: string, seq: number): Promise<void> {
  await withEvents(ctx, async (trx, emit) => {
    const conv = await lockConversation(trx, ctx, conversationId)
    await markRead(trx, userId, conversationId, Math.min(seq, conv.last_seq))
    const lastReadSeq = await readMarkerOf(trx, userId, conversationId)
    await emit({ type: 'read.updated', conversationId, queueId: conv.queue_id, visibility: 'internal', data: { userId, lastReadSeq } })
    await raiseAgentReceipts(trx, emit, conv, lastReadSeq, lastReadSeq)
  })
}

/**
 * The receipts the customer sees on their messages (issue 15, point 4): "Delivered" once an
 * agent's app has received a message (over its socket or by loading the thread), "Read" once an
 * agent of the queue has read up to it. Markers only move forward, never past the last message;
 * a move is told to both sides as `conversation.updated`.
 */
async function raiseAgentReceipts(trx: Transaction<DB>, emit: Emit, conv: ConversationRow, deliveredSeq: number, readSeq: number): Promise<void> {
  const read = Math.min(conv.last_seq, Math.max(conv.agent_read_seq, readSeq))
  const delivered = Math.min(conv.last_seq, Math.max(conv.agent_delivered_seq, deliveredSeq, read))
  if (delivered === conv.agent_delivered_seq && read === conv.agent_read_seq) return
  await updateConversation(trx, conv.id, { agent_delivered_seq: delivered, agent_read_seq: read })
  await emitAgentReceipts(emit, conv, delivered, read)
}

/**
 * Only the customer shows these receipts: the event is theirs alone (visibility `customer`), and
 * carries the two markers rather than the whole conversation (no read back).
 */
function emitAgentReceipts(emit: Emit, conv: { id: string; queue_id: string }, delivered: number, read: number) {
  return emit({ type: 'agentReceipts.updated', conversationId: conv.id, queueId: conv.queue_id, visibility: 'customer', data: { agentDeliveredSeq: delivered, agentReadSeq: read } })
}

/** Conversations per transaction in markAgentDelivered. */
const DELIVERED_CHUNK = 200

/**
 * Agents' apps received these conversations' messages up to the given seq (conversation id →
 * seq; see raiseAgentReceipts). All of them in one transaction per DELIVERED_CHUNK: the rows are
 * locked in id order (as everywhere that locks several), moved in one statement, and their events
 * written in one. Gone conversations are skipped.
 */
export async function markAgentDelivered(ctx: AppContext, marks: ReadonlyMap<string, number>): Promise<void> {
  const ids = [...marks.keys()].sort()
  for (let i = 0; i < ids.length; i += DELIVERED_CHUNK) {
    const chunk = ids.slice(i, i + DELIVERED_CHUNK)
    await withEvents(ctx, async (trx, emit) => {
      const moves: { conv: ConversationRow; delivered: number }[] = []
      for (const conv of await lockConversationRows(trx, ctx.kind, chunk)) {
        const delivered = Math.min(conv.last_seq, Math.max(conv.agent_delivered_seq, marks.get(conv.id)!, conv.agent_read_seq))
        if (delivered > conv.agent_delivered_seq) moves.push({ conv, delivered })
      }
      await setAgentDelivered(trx, moves.map((m) => ({ id: m.conv.id, seq: m.delivered })))
      for (const m of moves) await emitAgentReceipts(emit, m.conv, m.delivered, m.conv.agent_read_seq)
    })
  }
}

/**
 * Locks (PostgreSQL) the conversations picked by or offered to this agent, in id order; returns
 * their ids. Deactivation calls it before it takes the agent's row: an Accept holds the
 * conversation's lock and then waits for the agent's row, so the opposite order could deadlock.
 */
export async function lockHeldConversations(trx: Transaction<DB>, ctx: AppContext, userId: string): Promise<{ id: string }[]> {
  return lockHeldBy(trx, ctx.kind, userId)
}

/**
 * Gives back everything an agent holds, inside the caller's transaction (used when an admin
 * deactivates them): each conversation they picked goes back to its queue with a system line in
 * the thread ("Dana is no longer available — returned to Support"), each one offered to them
 * moves on; in offer-mode queues both are offered again through the usual routing (offerNext),
 * otherwise they wait in the Picklist. Earlier declines are forgotten: a new round begins.
 * The caller must already have made the agent inactive in this transaction, so routing can't
 * hand the chats straight back to them. Rows are locked (PostgreSQL) and re-checked one by one.
 * @returns how many conversations went back (picked and offered)
 */
export async function releaseAgentConversations(trx: Transaction<DB>, ctx: AppContext, emit: Emit, userId: string): Promise<number> {
  const held = await lockHeldConversations(trx, ctx, userId)
  const name = await agentName(trx, userId)
  let returned = 0
  for (const { id } of held) {
    const conv = await lockConversationRow(trx, ctx.kind, id)
    if (!conv) continue
    if (conv.state === 'picked' && conv.agent_id === userId) {
      const queue = await getQueueRow(trx, conv.queue_id)
      if (!queue) throw new Error('queue vanished')
      await updateConversation(trx, id, { state: 'queued', agent_id: null, offered_to: null, offer_expires_at: null })
      await clearDeclines(trx, id)
      await appendMessage(trx, emit, conv.queue_id, {
        conversationId: id, clientId: systemClientId(), authorKind: 'system', authorId: userId,
        text: `${isolate(name)} is no longer available — returned to ${isolate(queue.name)}`,
      })
    } else if (!(conv.state === 'offered' && conv.offered_to === userId)) {
      continue
    }
    // offerNext emits the update for the queue (the agent's devices are closed by then).
    await offerNext(trx, ctx, emit, { ...conv, state: 'queued', agent_id: null, offered_to: null, offer_expires_at: null })
    returned++
  }
  return returned
}
