import { randomBytes, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { anyUser, insertUser } from '../db/repositories/users.js'
import { addQueueMembers, insertQueue } from '../db/repositories/queues.js'
import { hashPassword } from './passwords.js'

/** What bootstrap did: `created` on the first start; `generatedPassword` when none was given. */
export interface BootstrapResult { created: boolean; generatedPassword?: string }

/**
 * On an empty database: an `admin` user and a "Support" queue (address `support`, picklist)
 * with admin as member. Returns the generated password when none was given, to print once.
 */
export async function bootstrap(db: Kysely<DB>, adminPassword: string | undefined): Promise<BootstrapResult> {
  if (await anyUser(db)) return { created: false }
  const password = adminPassword ?? randomBytes(12).toString('base64url')
  const adminId = randomUUID()
  const queueId = randomUUID()
  // Hashed before the transaction: on SQLite a transaction holds the one connection, and the start's
  // other queries (buildApp runs this beside the route registration) should not wait for scrypt.
  const passwordHash = await hashPassword(password)
  try {
    await db.transaction().execute(async (trx) => {
      await insertUser(trx, { id: adminId, username: 'admin', displayName: 'Admin', role: 'admin', passwordHash, maxConcurrent: 5 })
      await insertQueue(trx, { id: queueId, name: 'Support', address: 'support', routingMode: 'picklist' })
      await addQueueMembers(trx, [{ queue_id: queueId, user_id: adminId }])
    })
  } catch (err) {
    // Several processes starting at once on one empty database: one of them wins the insert.
    if (/unique|duplicate key/i.test(String((err as Error).message))) return { created: false }
    throw err
  }
  return adminPassword ? { created: true } : { created: true, generatedPassword: password }
}
