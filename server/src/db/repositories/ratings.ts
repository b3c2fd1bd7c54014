import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.js'

/** Stores (or replaces) the customer's rating of a conversation. */
export async function setRating(db: Kysely<DB>, conversationId: string, score: number, comment: string | null, at = Date.now()): Promise<void> {
  await db.updateTable('conversations').set({ rating: score, rating_comment: comment, rated_at: at }).where('id', '=', conversationId).execute()
}

export interface RatingRow { id: string; name: string; score: number; n: number }

/** Count of ratings per (agent, score), for agents who handled rated chats. */
export async function ratingCountsByAgent(db: Kysely<DB>): Promise<RatingRow[]> {
  const rows = await db
    .selectFrom('conversations as c')
    .innerJoin('users as u', 'u.id', 'c.agent_id')
    .select(['u.id as id', 'u.display_name as name', 'c.rating as score', sql<number>`count(*)`.as('n')])
    .where('c.rating', 'is not', null)
    .groupBy(['u.id', 'u.display_name', 'c.rating'])
    .execute()
  return rows.map((r) => ({ id: r.id, name: r.name, score: Number(r.score), n: Number(r.n) }))
}

/** Count of ratings per (queue, score). */
export async function ratingCountsByQueue(db: Kysely<DB>): Promise<RatingRow[]> {
  const rows = await db
    .selectFrom('conversations as c')
    .innerJoin('queues as q', 'q.id', 'c.queue_id')
    .select(['q.id as id', 'q.name as name', 'c.rating as score', sql<number>`count(*)`.as('n')])
    .where('c.rating', 'is not', null)
    .groupBy(['q.id', 'q.name', 'c.rating'])
    .execute()
  return rows.map((r) => ({ id: r.id, name: r.name, score: Number(r.score), n: Number(r.n) }))
}

/** The newest ratings that carry a comment. */
export async function recentRatingComments(db: Kysely<DB>, limit: number) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('queues as q', 'q.id', 'c.queue_id')
    .leftJoin('users as u', 'u.id', 'c.agent_id')
    .select(['c.id', 'c.rating', 'c.rating_comment', 'c.rated_at', 'q.name as queue_name', 'u.display_name as agent_name'])
    .where('c.rating', 'is not', null)
    .where('c.rating_comment', 'is not', null)
    .orderBy('c.rated_at', 'desc')
    .limit(limit)
    .execute()
}
