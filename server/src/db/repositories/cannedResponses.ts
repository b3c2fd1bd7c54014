import type { Kysely, Selectable, Updateable } from 'kysely'
import type { CannedResponse } from '../../api-types.js'
import type { CannedResponsesTable, DB } from '../schema.js'

function toCanned(r: Selectable<CannedResponsesTable>, queues: Map<string, string[]>): CannedResponse {
  const shared = r.owner_id === null
  return {
    id: r.id,
    scope: shared ? 'shared' : 'personal',
    title: r.title,
    shortcut: r.shortcut,
    text: r.text,
    queueIds: shared && r.all_queues !== 1 ? (queues.get(r.id) ?? []) : null,
    ownerId: r.owner_id,
    updatedAt: r.updated_at,
  }
}

/** The queue ids of these shared responses. */
async function queuesOf(db: Kysely<DB>, ids: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>()
  if (ids.length === 0) return map
  const rows = await db.selectFrom('canned_response_queues').select(['response_id', 'queue_id']).where('response_id', 'in', ids).orderBy('queue_id').execute()
  for (const r of rows) map.set(r.response_id, [...(map.get(r.response_id) ?? []), r.queue_id])
  return map
}

async function shape(db: Kysely<DB>, rows: Selectable<CannedResponsesTable>[]): Promise<CannedResponse[]> {
  const queues = await queuesOf(db, rows.filter((r) => r.owner_id === null && r.all_queues !== 1).map((r) => r.id))
  return rows.map((r) => toCanned(r, queues))
}

/**
 * What an agent may use: shared responses for all queues or for a queue they are a member of,
 * and their own personal ones; by title.
 */
export async function usableCannedResponses(db: Kysely<DB>, userId: string): Promise<CannedResponse[]> {
  const rows = await db.selectFrom('canned_responses as r').selectAll('r')
    .where((eb) => eb.or([
      eb('r.owner_id', '=', userId),
      eb.and([eb('r.owner_id', 'is', null), eb('r.all_queues', '=', 1)]),
      eb.and([
        eb('r.owner_id', 'is', null),
        eb.exists(eb.selectFrom('canned_response_queues as rq')
          .innerJoin('queue_members as m', 'm.queue_id', 'rq.queue_id')
          .select('rq.queue_id')
          .whereRef('rq.response_id', '=', 'r.id')
          .where('m.user_id', '=', userId)),
      ]),
    ]))
    .orderBy('r.title').orderBy('r.id')
    .execute()
  return shape(db, rows)
}

/** Every shared response (the admin's list), by title. */
export async function sharedCannedResponses(db: Kysely<DB>): Promise<CannedResponse[]> {
  const rows = await db.selectFrom('canned_responses').selectAll().where('owner_id', 'is', null).orderBy('title').orderBy('id').execute()
  return shape(db, rows)
}

/** One response, if it is `ownerId`'s personal one (`ownerId` null: if it is shared). */
export async function cannedResponseOf(db: Kysely<DB>, id: string, ownerId: string | null): Promise<CannedResponse | undefined> {
  let q = db.selectFrom('canned_responses').selectAll().where('id', '=', id)
  q = ownerId === null ? q.where('owner_id', 'is', null) : q.where('owner_id', '=', ownerId)
  const row = await q.executeTakeFirst()
  return row && (await shape(db, [row]))[0]
}

/** How many personal responses an agent has. */
export async function countPersonal(db: Kysely<DB>, ownerId: string): Promise<number> {
  const row = await db.selectFrom('canned_responses').select((eb) => eb.fn.countAll<number>().as('n')).where('owner_id', '=', ownerId).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Stores a response; `queueIds` only for shared ones that are not for all queues. */
export async function insertCannedResponse(
  db: Kysely<DB>,
  r: { id: string; ownerId: string | null; title: string; shortcut: string | null; text: string; allQueues: boolean; queueIds: string[]; now: number },
): Promise<void> {
  await db.insertInto('canned_responses').values({
    id: r.id, owner_id: r.ownerId, owner_key: r.ownerId ?? '', title: r.title, shortcut: r.shortcut, text: r.text,
    all_queues: r.allQueues ? 1 : 0, created_at: r.now, updated_at: r.now,
  }).execute()
  await setCannedQueues(db, r.id, r.queueIds)
}

/** Changes the given columns. */
export async function updateCannedResponse(db: Kysely<DB>, id: string, set: Updateable<CannedResponsesTable>): Promise<void> {
  await db.updateTable('canned_responses').set(set).where('id', '=', id).execute()
}

/** Replaces the queues a shared response is for. */
export async function setCannedQueues(db: Kysely<DB>, id: string, queueIds: string[]): Promise<void> {
  await db.deleteFrom('canned_response_queues').where('response_id', '=', id).execute()
  if (queueIds.length) await db.insertInto('canned_response_queues').values(queueIds.map((queue_id) => ({ response_id: id, queue_id }))).execute()
}

/** Deletes a response if it is `ownerId`'s (null: shared). @returns whether it was there */
export async function deleteCannedResponse(db: Kysely<DB>, id: string, ownerId: string | null): Promise<boolean> {
  // Its queue rows go with it (on delete cascade).
  let q = db.deleteFrom('canned_responses').where('id', '=', id)
  q = ownerId === null ? q.where('owner_id', 'is', null) : q.where('owner_id', '=', ownerId)
  const res = await q.executeTakeFirst()
  return Number(res.numDeletedRows) === 1
}
