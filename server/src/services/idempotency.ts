import type { Kysely } from 'kysely'
import type { ReplayAck } from '../api-types.js'
import type { DB } from '../db/schema.js'
import { agentCanSee } from '../db/repositories/conversations.js'

/** Who repeats a request: an agent (session) or a customer (token bound to one conversation). */
export type Viewer = { kind: 'agent'; userId: string } | { kind: 'customer'; conversationId: string }

/** May this viewer see the conversation now? The rule every GET applies (404 otherwise). */
export async function mayStillSee(db: Kysely<DB>, viewer: Viewer, conversationId: string): Promise<boolean> {
  return viewer.kind === 'customer' ? viewer.conversationId === conversationId : agentCanSee(db, viewer.userId, conversationId)
}

/**
 * The answer to a request repeated with an idempotency key (its clientId) that was already
 * carried out: the current resource only if the caller may still see the conversation, as a GET
 * would decide at this moment; otherwise only `{ ack }` — ids and the outcome, nothing the GET
 * would refuse (a chat transferred away can't be read back through its old transfer's key).
 * Every replay path (messages, notes, transfer, end, pick) answers through here.
 * `full` is only called when the resource may be shown.
 */
export async function replayAnswer<T extends object>(db: Kysely<DB>, viewer: Viewer, ack: ReplayAck, full: () => Promise<T> | T): Promise<T | { ack: ReplayAck }> {
  return (await mayStillSee(db, viewer, ack.conversationId)) ? full() : { ack }
}

/** The response schema of an acknowledgement (Fastify serialises only these fields). */
export const replayAckSchema = {
  type: 'object',
  properties: {
    outcome: { type: 'string' }, conversationId: { type: 'string' }, clientId: { type: ['string', 'null'] }, id: { type: ['string', 'null'] },
  },
} as const
