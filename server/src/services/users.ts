import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { AdminUser, Role } from '../api-types.js'
import type { DB } from '../db/schema.js'
import { deletePushDevicesOf } from '../db/repositories/pushDevices.js'
import { insertUser, listAdminUsers, setUserQueues, updateUser, userExists } from '../db/repositories/users.js'
import type { AppContext } from './context.js'
import { lockHeldConversations, releaseAgentConversations } from './conversations.js'
import { conflict, notFound } from './errors.js'
import { withEvents, type Emit } from './events.js'
import { hashPassword } from './passwords.js'
import { announceRevoked, endSessions, type Revocation } from './sessions.js'
import { normalizeUsername } from './usernames.js'

/**
 * Deactivates a user completely, inside the caller's transaction (one commit for all of it):
 * the user can no longer sign in (the caller ends their sessions with endSessions, which also
 * closes their sockets once committed), every push device is removed (no message
 * preview can reach a phone of someone who no longer works here), and the conversations they held
 * go back to their queues (see releaseAgentConversations).
 * Concurrency (PostgreSQL): the chats they hold are locked first, then the user's row is marked
 * inactive (a pick or accept in flight holds a share lock on it: this waits for it to commit, and
 * any later one sees the agent inactive and is refused), then the held chats are looked up again,
 * which finds what a pick committed meanwhile. Same lock order as Accept: no deadlock.
 * The caller publishes the `user.deactivated` control after the commit (it closes their sockets).
 * @returns how many conversations went back to their queues
 */
export async function deactivateUser(trx: Transaction<DB>, ctx: AppContext, emit: Emit, userId: string): Promise<{ returnedConversations: number }> {
  await lockHeldConversations(trx, ctx, userId)
  await updateUser(trx, userId, { active: 0 })
  await deletePushDevicesOf(trx, userId)
  return { returnedConversations: await releaseAgentConversations(trx, ctx, emit, userId) }
}

/** A unique constraint refused the write (SQLite and PostgreSQL wordings). */
export const isUniqueViolation = (err: unknown) => /unique|duplicate key/i.test(String((err as Error)?.message))
/** A foreign key refused the write (an id that names nothing). */
export const isForeignKeyViolation = (err: unknown) => /foreign key/i.test(String((err as Error)?.message))

export interface UserInput { username: string; displayName: string; role: Role; password: string; maxConcurrent?: number | undefined; queueIds?: string[] | undefined }

/**
 * An admin creates an agent or admin, with their queues, in one transaction.
 * @throws 409 username_taken; 404 when a queue id names no queue
 */
export async function createUser(ctx: AppContext, b: UserInput): Promise<AdminUser> {
  const id = randomUUID()
  try {
    const passwordHash = await hashPassword(b.password)
    await ctx.db.transaction().execute(async (trx) => {
      await insertUser(trx, {
        id, username: normalizeUsername(b.username), displayName: b.displayName.trim(), role: b.role, passwordHash, maxConcurrent: b.maxConcurrent ?? 5,
      })
      if (b.queueIds?.length) await setUserQueues(trx, id, b.queueIds)
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('username_taken', `The username ${b.username} is already taken`)
    if (isForeignKeyViolation(err)) throw notFound('Queue not found')
    throw err
  }
  return (await listAdminUsers(ctx.db, [id]))[0]!
}

export type UserChange = Partial<Omit<UserInput, 'username'>> & { active?: boolean | undefined }

/**
 * An admin changes a user. A deactivation gives back their chats and removes their devices
 * (deactivateUser); a reset password or a deactivation ends every session of the user (and, once
 * committed, their sockets). `actorId` may not deactivate or demote themselves.
 * @throws 409 self_lockout; 404 when there is no such user
 */
export async function changeUser(ctx: AppContext, actorId: string, id: string, b: UserChange): Promise<{ user: AdminUser; returnedConversations?: number }> {
  if (id === actorId && (b.active === false || b.role === 'agent')) {
    throw conflict('self_lockout', "You can't deactivate yourself or remove your own admin role")
  }
  if (!(await userExists(ctx.db, id))) throw notFound('User not found')
  let revoked: Revocation | undefined
  // withEvents: a deactivation writes system lines and conversation updates, published after the commit.
  const deactivated = await withEvents(ctx, async (trx, emit) => {
    // First: it takes its locks in the order picks and accepts do (see deactivateUser).
    const released = b.active === false ? await deactivateUser(trx, ctx, emit, id) : undefined
    await updateUser(trx, id, {
      ...(b.displayName !== undefined ? { display_name: b.displayName.trim() } : {}),
      ...(b.role !== undefined ? { role: b.role } : {}),
      ...(b.maxConcurrent !== undefined ? { max_concurrent: b.maxConcurrent } : {}),
      ...(b.active === true ? { active: 1 } : {}),
      ...(b.password !== undefined ? { password_hash: await hashPassword(b.password) } : {}),
    })
    if (b.queueIds) await setUserQueues(trx, id, b.queueIds)
    if (b.password !== undefined || b.active === false) revoked = await endSessions(trx, { userId: id }, b.active === false ? 'deactivated' : 'password_changed')
    return released
  })
  if (b.active === false) ctx.pubsub.publish({ kind: 'control', control: 'user.deactivated', userId: id })
  if (revoked) announceRevoked(ctx, revoked)
  if (b.queueIds) ctx.pubsub.publish({ kind: 'control', control: 'membership.changed', userId: id })
  return { user: (await listAdminUsers(ctx.db, [id]))[0]!, ...deactivated }
}
