import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'

/**
 * A queue's waiting line: the conversations not yet picked (queued or offered), first come first.
 * @returns their ids, queue ids and arrival times (epoch ms), in line order
 */
export async function waitingLine(db: Kysely<DB>, queueId: string): Promise<{ id: string; arrived_at: number }[]> {
  return db
    .selectFrom('conversations')
    .select(['id', 'arrived_at'])
    .where('queue_id', '=', queueId)
    .where('state', 'in', ['queued', 'offered'])
    .orderBy('arrived_at', 'asc')
    .orderBy('id', 'asc')
    .execute()
}

/** The queue a conversation waits in, and whether it waits (queued or offered). */
export async function waitingQueueOf(db: Kysely<DB>, conversationId: string): Promise<{ queue_id: string; state: string } | undefined> {
  return db.selectFrom('conversations').select(['queue_id', 'state']).where('id', '=', conversationId).executeTakeFirst()
}

/**
 * How long a queue's recent chats waited before an agent took them (ms), newest picks first:
 * at most `limit`, picked after `since` (epoch ms).
 */
export async function recentWaits(db: Kysely<DB>, queueId: string, since: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('conversations')
    .select(['arrived_at', 'picked_at'])
    .where('queue_id', '=', queueId)
    .where('picked_at', 'is not', null)
    .where('picked_at', '>', since)
    .orderBy('picked_at', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => Number(r.picked_at) - Number(r.arrived_at))
}
