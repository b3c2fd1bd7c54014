import { randomBytes, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { hashPassword } from './passwords.js'

/**
 * On an empty database: an `admin` user and a "Support" queue (address `support`, picklist)
 * with admin as member. Returns the generated password when none was given, to print once.
 */
export async function bootstrap(db: Kysely<DB>, adminPassword: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst()
  if (any) return { created: false }
  const password = adminPassword ?? randomBytes(12).toString('base64url')
  const now = Date.now()
  const adminId = randomUUID()
  const queueId = randomUUID()
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values({
        id: adminId, username: 'admin', display_name: 'Admin', role: 'admin', password_hash: await hashPassword(password),
        active: 1, presence: 'available', max_concurrent: 5, created_at: now,
      }).execute()
      await trx.insertInto('queues').values({ id: queueId, name: 'Support', address: 'support', routing_mode: 'picklist', created_at: now }).execute()
      await trx.insertInto('queue_members').values({ queue_id: queueId, user_id: adminId }).execute()
    })
  } catch (err) {
    // Several processes starting at once on one empty database: one of them wins the insert.
    if (/unique|duplicate key/i.test(String((err as Error).message))) return { created: false }
    throw err
  }
  return adminPassword ? { created: true } : { created: true, generatedPassword: password }
}
