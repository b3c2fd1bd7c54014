import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { AuthorKind } from '../../api-types.js'
import type { DB } from '../schema.js'

/**
 * Stores a message as the conversation's next one: moves the conversation's `last_seq` (and
 * `last_message_at`) and inserts the row with that seq. Run it under the conversation's lock.
 * Keeps `waiting_since`: a customer message starts the wait if none runs, an agent message ends
 * it; system lines change nothing.
 * @returns the message's id and seq, and whether `waiting_since` changed
 */
export async function insertNextMessage(
  db: Kysely<DB>,
  m: { conversationId: string; clientId: string; authorKind: AuthorKind; authorId: string | null; text: string },
  now = Date.now(),
): Promise<{ id: string; seq: number; waitingChanged: boolean; createdAt: number; contactName: string }> {
  let waitingChanged = false
  if (m.authorKind === 'agent') {
    const res = await db.updateTable('conversations').set({ waiting_since: null })
      .where('id', '=', m.conversationId).where('waiting_since', 'is not', null).executeTakeFirst()
    waitingChanged = Number(res.numUpdatedRows) === 1
  }
  const { last_seq: seq, waiting_since, contact_name: contactName } = await db
    .updateTable('conversations')
    .set((eb) => ({
      last_seq: eb('last_seq', '+', 1),
      last_message_at: now,
      ...(m.authorKind === 'customer' ? { waiting_since: eb.fn.coalesce('waiting_since', eb.val(now)) } : {}),
    }))
    .where('id', '=', m.conversationId)
    .returning(['last_seq', 'waiting_since', 'contact_name'])
    .executeTakeFirstOrThrow()
  // The wait started with this message (a message in the same millisecond before it reports it again: harmless).
  if (m.authorKind === 'customer' && Number(waiting_since) === now) waitingChanged = true
  const id = randomUUID()
  await db
    .insertInto('messages')
    .values({ id, conversation_id: m.conversationId, seq, client_id: m.clientId, author_kind: m.authorKind, author_id: m.authorId, text: m.text, created_at: now })
    .execute()
  return { id, seq, waitingChanged, createdAt: now, contactName }
}

/** Moves an agent's read marker to `seq`, never backwards (an older device may report late). */
export async function upsertReadMarker(db: Kysely<DB>, userId: string, conversationId: string, seq: number): Promise<void> {
  await db
    .insertInto('agent_reads')
    .values({ user_id: userId, conversation_id: conversationId, last_read_seq: seq })
    .onConflict((oc) =>
      oc.columns(['user_id', 'conversation_id']).doUpdateSet({
        last_read_seq: sql<number>`case when excluded.last_read_seq > agent_reads.last_read_seq then excluded.last_read_seq else agent_reads.last_read_seq end`,
      }),
    )
    .execute()
}

/** An agent's read marker in a conversation. @throws when none is stored */
export async function readMarkerOf(db: Kysely<DB>, userId: string, conversationId: string): Promise<number> {
  const row = await db.selectFrom('agent_reads').select('last_read_seq').where('user_id', '=', userId).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()
  return row.last_read_seq
}
