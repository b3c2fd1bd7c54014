import { sql, type Insertable, type Kysely, type SqlBool, type Transaction, type Updateable } from 'kysely'
import type { DbKind } from '../index.js'
import type { Attachment, AuthorKind, Conversation, ConversationState, Message, PublicConversation } from '../../api-types.js'
import { attachmentsFor } from './attachments.js'
import type { ConversationsTable, DB } from '../schema.js'
import { cutText, TEXT_LIMITS } from '../../text.js'

/** The conversation as an agent sees it; `viewerId` decides the unread count. */
export function conversationQuery(db: Kysely<DB>, viewerId: string | null) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .innerJoin('queues as q', 'q.id', 'c.queue_id')
    .leftJoin('users as a', 'a.id', 'c.agent_id')
    // The last message is the one at last_seq: one indexed lookup instead of a sort.
    .leftJoin('messages as lm', (j) => j.onRef('lm.conversation_id', '=', 'c.id').onRef('lm.seq', '=', 'c.last_seq'))
    .leftJoin('agent_reads as r', (j) => j.onRef('r.conversation_id', '=', 'c.id').on('r.user_id', '=', viewerId ?? ''))
    .select([
      'c.id', 'c.state', 'c.channel', 'c.agent_id', 'c.arrived_at', 'c.ended_at', 'c.last_message_at',
      'c.customer_delivered_seq', 'c.customer_read_seq', 'c.queue_id', 'c.offered_to', 'c.offer_expires_at', 'c.waiting_since',
      'c.agent_delivered_seq', 'c.agent_read_seq', 'c.rating',
      // The details typed for this conversation; the customer record only says how it is linked.
      'cu.id as customer_id', 'c.contact_name as customer_name', 'c.contact_email as customer_email', 'c.contact_phone as customer_phone',
      'cu.identity_kind as customer_identity',
      'q.name as queue_name', 'q.address as queue_address',
      'a.display_name as agent_name',
      'lm.text as last_text', 'lm.author_kind as last_author_kind', 'lm.created_at as last_created_at',
    ])
    .select((eb) =>
      (viewerId
        ? eb
            .selectFrom('messages as um')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('um.conversation_id', '=', 'c.id')
            .where('um.author_kind', '=', 'customer')
            .where('um.seq', '>', eb.fn.coalesce('r.last_read_seq', eb.lit(0)))
        : eb.lit(0)
      ).as('unread'),
    )
}

type Row = Awaited<ReturnType<ReturnType<typeof conversationQuery>['executeTakeFirstOrThrow']>>

export function toConversation(r: Row): Conversation {
  return {
    id: r.id,
    state: r.state,
    channel: r.channel,
    queue: { id: r.queue_id, name: r.queue_name, address: r.queue_address },
    customer: {
      id: r.customer_id, name: r.customer_name, email: r.customer_email, phone: r.customer_phone, verification: r.customer_identity ?? 'none',
    },
    agentId: r.agent_id,
    agentName: r.agent_name,
    arrivedAt: r.arrived_at,
    endedAt: r.ended_at,
    lastMessageAt: r.last_message_at,
    lastMessage:
      r.last_text != null && r.last_author_kind && r.last_created_at != null
        ? { text: cutText(r.last_text, TEXT_LIMITS.listPreview), authorKind: r.last_author_kind, createdAt: r.last_created_at }
        : null,
    unread: Number(r.unread ?? 0),
    customerDeliveredSeq: r.customer_delivered_seq,
    customerReadSeq: r.customer_read_seq,
    offeredTo: r.offered_to,
    offerExpiresAt: r.offer_expires_at,
    waitingSince: r.waiting_since,
    agentDeliveredSeq: r.agent_delivered_seq,
    agentReadSeq: r.agent_read_seq,
    rating: r.rating,
  }
}

export async function getConversation(db: Kysely<DB>, id: string, viewerId: string | null): Promise<Conversation | undefined> {
  const row = await conversationQuery(db, viewerId).where('c.id', '=', id).executeTakeFirst()
  return row && toConversation(row)
}

/** These conversations as `viewerId` sees them (unread counts), by id; unknown ids are left out. */
export async function conversationsByIds(db: Kysely<DB>, ids: string[], viewerId: string): Promise<Map<string, Conversation>> {
  if (ids.length === 0) return new Map()
  const rows = await conversationQuery(db, viewerId).where('c.id', 'in', [...new Set(ids)]).execute()
  return new Map(rows.map((r) => [r.id, toConversation(r)]))
}

export type ListView = 'conversations' | 'picklist' | 'history'

/** Where a History page starts: after this (ended_at, id), newest ended first. */
export interface HistoryAfter { endedAt: number; id: string }

/**
 * One page of my History (ended by me), newest ended first, after `after` when given.
 * @returns up to `limit` conversations, and where the next page starts (null on the last page)
 */
export async function historyPage(
  db: Kysely<DB>, userId: string, limit: number, after?: HistoryAfter,
): Promise<{ conversations: Conversation[]; next: HistoryAfter | null }> {
  let q = conversationQuery(db, userId).where('c.state', '=', 'ended').where('c.agent_id', '=', userId)
  if (after) {
    q = q.where((eb) => eb.or([
      eb('c.ended_at', '<', after.endedAt),
      eb.and([eb('c.ended_at', '=', after.endedAt), eb('c.id', '<', after.id)]),
    ]))
  }
  const rows = await q.orderBy('c.ended_at', 'desc').orderBy('c.id', 'desc').limit(limit + 1).execute()
  const page = rows.slice(0, limit).map(toConversation)
  const last = page[page.length - 1]
  return { conversations: page, next: rows.length > limit && last ? { endedAt: last.endedAt ?? 0, id: last.id } : null }
}

export async function listConversations(db: Kysely<DB>, userId: string, view: ListView, limit = 2000): Promise<Conversation[]> {
  let q = conversationQuery(db, userId)
  if (view === 'picklist') {
    const myQueues = db.selectFrom('queue_members').select('queue_id').where('user_id', '=', userId)
    q = q.where('c.state', '=', 'queued').where('c.queue_id', 'in', myQueues).orderBy('c.arrived_at', 'asc')
  } else if (view === 'conversations') {
    // Mine: picked by me, and those offered to me (shown with Accept / Reject).
    q = q
      .where((eb) => eb.or([
        eb.and([eb('c.state', '=', 'picked'), eb('c.agent_id', '=', userId)]),
        eb.and([eb('c.state', '=', 'offered'), eb('c.offered_to', '=', userId)]),
      ]))
      .orderBy('c.arrived_at', 'desc')
  } else {
    q = q.where('c.state', '=', 'ended').where('c.agent_id', '=', userId).orderBy('c.ended_at', 'desc')
  }
  const rows = await q.limit(limit).execute()
  return rows.map(toConversation)
}

export function toPublicConversation(c: Conversation): PublicConversation {
  return {
    id: c.id,
    state: c.state,
    queueName: c.queue.name,
    customerName: c.customer.name,
    agentName: c.agentName,
    arrivedAt: c.arrivedAt,
    endedAt: c.endedAt,
    agentDeliveredSeq: c.agentDeliveredSeq ?? 0,
    agentReadSeq: c.agentReadSeq ?? 0,
    rating: c.rating ?? null,
  }
}

/**
 * The one rule of what an agent may see, as a condition on a conversation aliased `c`: members
 * of its queue may (Picklist, offers, their colleagues' chats), and so may the agent who handled
 * it (their History, even after leaving the queue). Everyone else gets 404 from the routes; the
 * search (repositories/search.ts) filters by the same condition.
 */
export const agentMaySee = (userId: string) =>
  sql<SqlBool>`(c.agent_id = ${userId} or exists (select 1 from queue_members m where m.queue_id = c.queue_id and m.user_id = ${userId}))`

/** May this agent see this conversation? (agentMaySee) */
export async function agentCanSee(db: Kysely<DB>, userId: string, conversationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('conversations as c')
    .select('c.id')
    .where('c.id', '=', conversationId)
    .where(agentMaySee(userId))
    .executeTakeFirst()
  return !!row
}

/**
 * Every open conversation (queued, offered, picked) in every queue, for supervisors: waiting
 * longest first (waiting_since ascending, those not waiting last), then by arrival. At most `limit`.
 */
export async function openConversations(db: Kysely<DB>, limit = 5000): Promise<Conversation[]> {
  const rows = await conversationQuery(db, null)
    .where('c.state', 'in', ['queued', 'offered', 'picked'])
    .orderBy(sql`case when c.waiting_since is null then 1 else 0 end`)
    .orderBy('c.waiting_since')
    .orderBy('c.arrived_at')
    .orderBy('c.id')
    .limit(limit)
    .execute()
  return rows.map(toConversation)
}

/** Is this user a member of this queue? */
export async function isQueueMember(db: Kysely<DB>, userId: string, queueId: string): Promise<boolean> {
  return !!(await db.selectFrom('queue_members').select('user_id').where('user_id', '=', userId).where('queue_id', '=', queueId).executeTakeFirst())
}

export async function queueIdsOf(db: Kysely<DB>, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('queue_members').select('queue_id').where('user_id', '=', userId).execute()
  return rows.map((r) => r.queue_id)
}

function messageQuery(db: Kysely<DB>) {
  return db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .leftJoin('users as u', 'u.id', 'm.author_id')
    .select(['m.id', 'm.conversation_id', 'm.seq', 'm.client_id', 'm.author_kind', 'm.text', 'm.created_at', 'u.display_name', 'c.contact_name as customer_name'])
}

type MessageRow = Awaited<ReturnType<ReturnType<typeof messageQuery>['executeTakeFirstOrThrow']>>

function toMessage(r: MessageRow, attachments: Map<string, Attachment[]>): Message {
  const authorKind: AuthorKind = r.author_kind
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    clientId: r.client_id,
    authorKind,
    authorName: authorKind === 'customer' ? r.customer_name : authorKind === 'agent' ? r.display_name : null,
    text: r.text,
    createdAt: r.created_at,
    attachments: attachments.get(r.id) ?? [],
  }
}

/**
 * The message insertNextMessage just stored, as getMessageByClientId would read it back, without
 * reading it: a customer's (named by the conversation's contact name) or a system line, with no
 * files. Undefined for an agent's (their display name is read back with it).
 */
export function insertedMessage(
  m: { conversationId: string; clientId: string; authorKind: AuthorKind; text: string },
  ins: { id: string; seq: number; createdAt: number; contactName: string },
): Message | undefined {
  if (m.authorKind === 'agent') return undefined
  return toMessage({
    id: ins.id, conversation_id: m.conversationId, seq: ins.seq, client_id: m.clientId, author_kind: m.authorKind, text: m.text,
    created_at: ins.createdAt, display_name: null, customer_name: ins.contactName,
  }, new Map())
}

export async function listMessages(db: Kysely<DB>, conversationId: string, opts: { beforeSeq?: number; limit: number }): Promise<Message[]> {
  let q = messageQuery(db).where('m.conversation_id', '=', conversationId)
  if (opts.beforeSeq !== undefined) q = q.where('m.seq', '<', opts.beforeSeq)
  const rows = await q.orderBy('m.seq', 'desc').limit(opts.limit).execute()
  const files = await attachmentsFor(db, rows.map((r) => r.id))
  return rows.reverse().map((r) => toMessage(r, files))
}

export async function getMessageByClientId(db: Kysely<DB>, clientId: string, attachments: 'read' | 'none' = 'read'): Promise<Message | undefined> {
  const row = await messageQuery(db).where('m.client_id', '=', clientId).executeTakeFirst()
  // 'none': the caller knows it has none (it just stored it without files): one query less per send.
  return row && toMessage(row, attachments === 'read' ? await attachmentsFor(db, [row.id]) : new Map())
}

/**
 * The one row lock of a conversation: reads its row and, on PostgreSQL, holds it (SELECT … FOR
 * UPDATE) until the transaction ends, so concurrent changes to one conversation run one after the
 * other, in every process. SQLite has a single writer: the transaction alone serialises there.
 * @returns the row, or undefined when there is no such conversation
 */
export async function lockConversationRow(trx: Transaction<DB>, kind: DbKind, id: string) {
  let q = trx.selectFrom('conversations').selectAll().where('id', '=', id)
  if (kind === 'postgres') q = q.forUpdate()
  return q.executeTakeFirst()
}

/** Several conversation rows, locked in id order on PostgreSQL (so two such locks can't deadlock). */
export async function lockConversationRows(trx: Transaction<DB>, kind: DbKind, ids: string[]) {
  if (ids.length === 0) return []
  let q = trx.selectFrom('conversations').selectAll().where('id', 'in', ids).orderBy('id')
  if (kind === 'postgres') q = q.forUpdate()
  return q.execute()
}

/** Sets agent_delivered_seq of each listed conversation, in one statement. */
export async function setAgentDelivered(trx: Transaction<DB>, marks: { id: string; seq: number }[]): Promise<void> {
  if (marks.length === 0) return
  const cases = sql.join(marks.map((m) => sql`when ${m.id} then cast(${m.seq} as integer)`), sql` `)
  await trx.updateTable('conversations')
    .set({ agent_delivered_seq: sql<number>`case "id" ${cases} else "agent_delivered_seq" end` })
    .where('id', 'in', marks.map((m) => m.id))
    .execute()
}

/** A conversation row as stored (what lockConversationRow returns). */
export type ConversationRow = NonNullable<Awaited<ReturnType<typeof lockConversationRow>>>

/** The agent who picked this conversation (it is in state picked), whether they want message notifications and their language (null: none chosen); undefined otherwise. */
export async function pickedAgentOf(db: Kysely<DB>, conversationId: string): Promise<{ id: string; notifyMessages: boolean; locale: string | null } | undefined> {
  const row = await db.selectFrom('conversations as c').innerJoin('users as u', 'u.id', 'c.agent_id')
    .select(['c.agent_id', 'u.notify_messages', 'u.locale']).where('c.id', '=', conversationId).where('c.state', '=', 'picked').executeTakeFirst()
  return row?.agent_id ? { id: row.agent_id, notifyMessages: row.notify_messages !== 0, locale: row.locale } : undefined
}

/** A conversation's state and agent (who may add files to it), or undefined. */
export async function conversationState(db: Kysely<DB>, id: string) {
  return db.selectFrom('conversations').select(['state', 'agent_id', 'queue_id']).where('id', '=', id).executeTakeFirst()
}

/** Did this agent write a message with this client id in this conversation? */
export async function agentWroteMessage(db: Kysely<DB>, conversationId: string, clientId: string, userId: string): Promise<boolean> {
  return !!(await db.selectFrom('messages').select('id')
    .where('client_id', '=', clientId).where('conversation_id', '=', conversationId)
    .where('author_kind', '=', 'agent').where('author_id', '=', userId).executeTakeFirst())
}

export type { ConversationState }

/** Changes the given columns of a conversation. */
export async function updateConversation(db: Kysely<DB>, id: string, set: Updateable<ConversationsTable>): Promise<void> {
  await db.updateTable('conversations').set(set).where('id', '=', id).execute()
}

/**
 * Changes a conversation only if it is in state `from` (and, with `offeredTo`, offered to that
 * user): the check and the write are one statement. @returns whether it changed
 */
export async function updateConversationIf(
  db: Kysely<DB>, id: string, from: ConversationState, set: Updateable<ConversationsTable>, offeredTo?: string,
): Promise<boolean> {
  let q = db.updateTable('conversations').set(set).where('id', '=', id).where('state', '=', from)
  if (offeredTo !== undefined) q = q.where('offered_to', '=', offeredTo)
  const res = await q.executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

/** Stores a new conversation. */
export async function insertConversation(db: Kysely<DB>, row: Insertable<ConversationsTable>): Promise<void> {
  await db.insertInto('conversations').values(row).execute()
}

/** Open conversations an agent holds: picked by them or offered to them. */
export async function openLoadOf(db: Kysely<DB>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([
      eb.and([eb('state', '=', 'picked'), eb('agent_id', '=', userId)]),
      eb.and([eb('state', '=', 'offered'), eb('offered_to', '=', userId)]),
    ]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Locks (PostgreSQL) the conversations picked by or offered to this agent, in id order; returns
 * their ids (the lock order deactivation needs: services/conversations.ts lockHeldConversations).
 */
export async function lockHeldBy(db: Kysely<DB>, kind: DbKind, userId: string): Promise<{ id: string }[]> {
  let q = db.selectFrom('conversations').select('id')
    .where((eb) => eb.or([
      eb.and([eb('state', '=', 'picked'), eb('agent_id', '=', userId)]),
      eb.and([eb('state', '=', 'offered'), eb('offered_to', '=', userId)]),
    ]))
    .orderBy('id')
  if (kind === 'postgres') q = q.forUpdate()
  return q.execute()
}

/** Queued conversations of offer-mode queues, oldest first. */
export async function waitingInOfferQueues(db: Kysely<DB>, limit: number): Promise<{ id: string }[]> {
  return db
    .selectFrom('conversations as c')
    .innerJoin('queues as q', 'q.id', 'c.queue_id')
    .select('c.id')
    .where('c.state', '=', 'queued')
    .where('q.routing_mode', '=', 'offer')
    .orderBy('c.arrived_at')
    .limit(limit)
    .execute()
}

/** Offers whose time ran out by `now` (epoch ms). */
export async function expiredOffers(db: Kysely<DB>, now: number, limit: number): Promise<{ id: string }[]> {
  return db.selectFrom('conversations').select('id').where('state', '=', 'offered').where('offer_expires_at', '<=', now).limit(limit).execute()
}

/** Records that an agent declined (or let time out) an offer; once per agent and conversation. */
export async function insertDecline(db: Kysely<DB>, conversationId: string, userId: string, reason: 'rejected' | 'timeout'): Promise<void> {
  await db
    .insertInto('offer_declines')
    .values({ conversation_id: conversationId, user_id: userId, reason, created_at: Date.now() })
    .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
    .execute()
}

/** Forgets a conversation's declines (a new routing round). */
export async function clearDeclines(db: Kysely<DB>, conversationId: string): Promise<void> {
  await db.deleteFrom('offer_declines').where('conversation_id', '=', conversationId).execute()
}

/** The conversation a customer token hash opens, with its end and revocation times, or undefined. */
export async function conversationByTokenHash(db: Kysely<DB>, tokenHash: string) {
  return db.selectFrom('conversations').select(['id', 'ended_at', 'customer_token_revoked_at'])
    .where('customer_token_hash', '=', tokenHash).executeTakeFirst()
}

/** The same for many token hashes at once (the sockets' periodic check). */
export async function conversationsByTokenHashes(db: Kysely<DB>, tokenHashes: string[]) {
  if (tokenHashes.length === 0) return []
  return db.selectFrom('conversations').select(['id', 'customer_token_hash', 'ended_at', 'customer_token_revoked_at'])
    .where('customer_token_hash', 'in', tokenHashes).execute()
}

/** Revokes a conversation's customer token at `at` (epoch ms), unless it already is. */
export async function revokeTokenOf(db: Kysely<DB>, conversationId: string, at = Date.now()): Promise<void> {
  await db.updateTable('conversations').set({ customer_token_revoked_at: at })
    .where('id', '=', conversationId).where('customer_token_revoked_at', 'is', null).execute()
}

/** Was this conversation transferred with this client id by this user (or by someone unknown, rows before migration 0007)? */
export async function transferredWithKey(db: Kysely<DB>, conversationId: string, clientId: string, userId: string): Promise<boolean> {
  return !!(await db.selectFrom('conversations').select('id')
    .where('id', '=', conversationId).where('transfer_client_id', '=', clientId)
    .where((eb) => eb.or([eb('transfer_by', 'is', null), eb('transfer_by', '=', userId)]))
    .executeTakeFirst())
}

