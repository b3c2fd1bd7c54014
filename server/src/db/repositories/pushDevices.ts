import type { Kysely } from 'kysely'
import type { PushDevice } from '../../api-types.js'
import type { DB } from '../schema.js'

/**
 * The devices a push about `conversationId` goes to: an active user's unblocked devices, except one that
 * has that conversation on screen right now, i.e. whose viewing mark is for it and whose lease
 * (`viewing_until`, renewed by the device's open socket) has not run out. A mark left by a socket
 * whose process died stops counting when its lease lapses.
 */
export async function pushTargets(db: Kysely<DB>, userId: string, conversationId: string | null, now = Date.now()) {
  // Only an active user's devices: the one place that makes "no push to a deactivated agent" hold.
  let q = db.selectFrom('push_devices as d').innerJoin('users as u', 'u.id', 'd.user_id')
    .select(['d.id', 'd.endpoint', 'd.p256dh', 'd.auth'])
    .where('d.user_id', '=', userId).where('d.blocked', '=', 0).where('u.active', '=', 1)
  if (conversationId) {
    q = q.where((eb) => eb.or([
      eb('d.viewing_conversation_id', 'is', null),
      eb('d.viewing_conversation_id', '!=', conversationId),
      eb('d.viewing_until', 'is', null),
      eb('d.viewing_until', '<=', now),
    ]))
  }
  return q.orderBy('d.created_at').execute()
}

/** A device the push service accepted a push for, at `at` (epoch ms). */
export async function markPushed(db: Kysely<DB>, id: string, at = Date.now()): Promise<void> {
  await db.updateTable('push_devices').set({ last_push_at: at }).where('id', '=', id).execute()
}

/** Devices as the API lists them (with their user's name), oldest first; filtered by user or id. */
export async function listPushDevices(db: Kysely<DB>, where: { userId?: string; id?: string } = {}): Promise<PushDevice[]> {
  let q = db.selectFrom('push_devices as d').innerJoin('users as u', 'u.id', 'd.user_id')
    .select(['d.id', 'd.user_id', 'u.display_name', 'd.name', 'd.blocked', 'd.created_at', 'd.last_push_at'])
    .orderBy('d.created_at')
  if (where.userId) q = q.where('d.user_id', '=', where.userId)
  if (where.id) q = q.where('d.id', '=', where.id)
  const rows = await q.execute()
  return rows.map((r) => ({
    id: r.id, userId: r.user_id, userName: r.display_name, name: r.name, blocked: r.blocked === 1, createdAt: r.created_at, lastPushAt: r.last_push_at,
  }))
}

/** The device registered with this endpoint (an endpoint is unique), or undefined. */
export async function pushDeviceByEndpoint(db: Kysely<DB>, endpoint: string) {
  return db.selectFrom('push_devices').select(['id', 'user_id', 'blocked']).where('endpoint', '=', endpoint).executeTakeFirst()
}

/** A device's id and the session (sha256 of its cookie token) it was registered with, or undefined. */
export async function pushDeviceSession(db: Kysely<DB>, id: string) {
  return db.selectFrom('push_devices').select(['id', 'session_id']).where('id', '=', id).executeTakeFirst()
}

/** Registers a device for `userId`, unblocked. */
export async function insertPushDevice(
  db: Kysely<DB>, d: { id: string; userId: string; name: string; endpoint: string; p256dh: string; auth: string; sessionId: string },
): Promise<void> {
  await db.insertInto('push_devices').values({
    id: d.id, user_id: d.userId, name: d.name, endpoint: d.endpoint, p256dh: d.p256dh, auth: d.auth, session_id: d.sessionId,
    blocked: 0, viewing_conversation_id: null, created_at: Date.now(), last_push_at: null,
  }).execute()
}

/** The same browser subscribing again: new keys, new name, the session it did so with. */
export async function updatePushSubscription(
  db: Kysely<DB>, id: string, s: { name: string; p256dh: string; auth: string; sessionId: string },
): Promise<void> {
  await db.updateTable('push_devices').set({ name: s.name, p256dh: s.p256dh, auth: s.auth, session_id: s.sessionId }).where('id', '=', id).execute()
}

/** How many devices this user has registered (blocked ones included). */
export async function countPushDevices(db: Kysely<DB>, userId: string): Promise<number> {
  const row = await db.selectFrom('push_devices').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Removes a device; with `userId`, only if it is that user's. @returns whether a row was removed */
export async function deletePushDevice(db: Kysely<DB>, id: string, userId?: string): Promise<boolean> {
  let q = db.deleteFrom('push_devices').where('id', '=', id)
  if (userId !== undefined) q = q.where('user_id', '=', userId)
  const res = await q.executeTakeFirst()
  return Number(res.numDeletedRows) === 1
}

/** Blocks or unblocks a device (a blocked one gets no push and may not register again). */
export async function setPushDeviceBlocked(db: Kysely<DB>, id: string, blocked: boolean): Promise<void> {
  await db.updateTable('push_devices').set({ blocked: blocked ? 1 : 0 }).where('id', '=', id).execute()
}

/** Removes every device of a user (deactivation). */
export async function deletePushDevicesOf(db: Kysely<DB>, userId: string): Promise<void> {
  await db.deleteFrom('push_devices').where('user_id', '=', userId).execute()
}

/** Extends the viewing lease of these devices (those still marked) to `until` (epoch ms). */
export async function renewViewing(db: Kysely<DB>, deviceIds: string[], until: number): Promise<void> {
  await db.updateTable('push_devices').set({ viewing_until: until })
    .where('id', 'in', deviceIds).where('viewing_conversation_id', 'is not', null).execute()
}

/**
 * Marks what a user's device shows (`conversationId`, null for nothing) until `until` (epoch ms).
 * @returns whether the device is that user's (only then is it marked)
 */
export async function setViewing(db: Kysely<DB>, deviceId: string, userId: string, conversationId: string | null, until: number | null): Promise<boolean> {
  const res = await db.updateTable('push_devices').set({ viewing_conversation_id: conversationId, viewing_until: until })
    .where('id', '=', deviceId).where('user_id', '=', userId).executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

/** Clears viewing marks: every one, or (`onlyLapsedAt`) only those whose lease ran out by then. */
export async function clearViewingMarks(db: Kysely<DB>, onlyLapsedAt?: number): Promise<void> {
  let q = db.updateTable('push_devices').set({ viewing_conversation_id: null, viewing_until: null }).where('viewing_conversation_id', 'is not', null)
  if (onlyLapsedAt !== undefined) q = q.where((eb) => eb.or([eb('viewing_until', 'is', null), eb('viewing_until', '<=', onlyLapsedAt)]))
  await q.execute()
}
