import type { Insertable, Kysely } from 'kysely'
import type { Conversation, CustomerDetails, Note } from '../../api-types.js'
import type { CustomersTable, DB, NotesTable } from '../schema.js'
import { agentMaySee, conversationQuery, toConversation } from './conversations.js'

/**
 * The customer of a conversation as its agent sees it: the details typed for this conversation
 * (never verified), how the customer is identified, and how many conversations that identity has.
 */
export async function customerDetails(db: Kysely<DB>, conversationId: string): Promise<CustomerDetails | undefined> {
  const row = await db
    .selectFrom('conversations as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .select(['cu.id', 'c.contact_name', 'c.contact_email', 'c.contact_phone', 'cu.created_at', 'cu.identity_kind', 'cu.external_id'])
    .select((eb) => eb.selectFrom('conversations as o').select(eb.fn.countAll<number>().as('n')).whereRef('o.customer_id', '=', 'cu.id').as('count'))
    .where('c.id', '=', conversationId)
    .executeTakeFirst()
  return row && {
    id: row.id, name: row.contact_name, email: row.contact_email, phone: row.contact_phone,
    verification: row.identity_kind ?? 'none', externalId: row.external_id,
    firstSeenAt: row.created_at, conversationCount: Number(row.count ?? 0),
  }
}

/**
 * The customer's other conversations that this agent may see (their queues, or handled by them),
 * by arrival time, one page at a time (`before` for newest-first, `after` for oldest-first).
 * Conversations share a customer record only through a verified identity (services/identity.ts).
 */
export async function customerHistory(
  db: Kysely<DB>, conversationId: string, userId: string,
  page: { order: 'asc' | 'desc'; before?: number | undefined; after?: number | undefined; limit: number },
): Promise<Conversation[]> {
  const current = await db.selectFrom('conversations').select('customer_id').where('id', '=', conversationId).executeTakeFirst()
  if (!current) return []
  let q = conversationQuery(db, userId)
    .where('c.customer_id', '=', current.customer_id)
    .where('c.id', '!=', conversationId)
    .where(agentMaySee(userId))
  if (page.order === 'desc' && page.before !== undefined) q = q.where('c.arrived_at', '<', page.before)
  if (page.order === 'asc' && page.after !== undefined) q = q.where('c.arrived_at', '>', page.after)
  const rows = await q.orderBy('c.arrived_at', page.order).orderBy('c.id', page.order).limit(page.limit).execute()
  return rows.map(toConversation)
}

export async function listNotes(db: Kysely<DB>, conversationId: string): Promise<Note[]> {
  const rows = await db
    .selectFrom('notes as n')
    .innerJoin('users as u', 'u.id', 'n.author_id')
    .select(['n.id', 'n.conversation_id', 'n.author_id', 'u.display_name', 'n.text', 'n.created_at'])
    .where('n.conversation_id', '=', conversationId)
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .execute()
  return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, authorId: r.author_id, authorName: r.display_name, text: r.text, createdAt: r.created_at }))
}

/** Did this agent write a note with this client id in this conversation? */
export async function agentWroteNote(db: Kysely<DB>, conversationId: string, clientId: string, userId: string): Promise<boolean> {
  return !!(await db.selectFrom('notes').select('id')
    .where('client_id', '=', clientId).where('conversation_id', '=', conversationId)
    .where('author_id', '=', userId).executeTakeFirst())
}

/** Stores a customer record (identity columns null for an unproven one). */
export async function insertCustomer(db: Kysely<DB>, row: Insertable<CustomersTable>): Promise<void> {
  await db.insertInto('customers').values(row).execute()
}

/**
 * The customer with this proven identity: inserted if absent, in one statement, so two first
 * chats of one browser can't race into two records. @returns its id
 */
export async function customerForIdentity(db: Kysely<DB>, row: Insertable<CustomersTable> & { identity_key: string }): Promise<string> {
  await db.insertInto('customers').values(row).onConflict((oc) => oc.column('identity_key').doNothing()).execute()
  return (await db.selectFrom('customers').select('id').where('identity_key', '=', row.identity_key).executeTakeFirstOrThrow()).id
}

/** Stores a note. */
export async function insertNote(db: Kysely<DB>, row: Insertable<NotesTable>): Promise<void> {
  await db.insertInto('notes').values(row).execute()
}

/** The note stored with this client id in this conversation (with its author's name), or undefined. */
export async function noteByClientId(db: Kysely<DB>, conversationId: string, clientId: string) {
  return db.selectFrom('notes as n').innerJoin('users as u', 'u.id', 'n.author_id')
    .select(['n.id', 'n.author_id', 'u.display_name', 'n.text', 'n.created_at'])
    .where('n.conversation_id', '=', conversationId).where('n.client_id', '=', clientId)
    .executeTakeFirst()
}
