import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import type { AppContext } from './context.js'
import { lockHeldConversations, releaseAgentConversations } from './conversations.js'
import type { Emit } from './events.js'

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
  await trx.updateTable('users').set({ active: 0 }).where('id', '=', userId).execute()
  await trx.deleteFrom('push_devices').where('user_id', '=', userId).execute()
  return { returnedConversations: await releaseAgentConversations(trx, ctx, emit, userId) }
}
