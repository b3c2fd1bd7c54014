import { sql, type Transaction } from 'kysely'
import type { DB } from '../schema.js'

/**
 * Runs `fn` inside a savepoint of the caller's transaction (the same SQL on SQLite and PostgreSQL).
 * If `fn` throws, everything it wrote is undone, the transaction stays usable (also after a failed
 * statement on PostgreSQL) and the error is thrown again; the caller decides whether to go on.
 * Savepoints of one transaction run one after the other here, so one name serves them all.
 */
export async function withSavepoint<T>(trx: Transaction<DB>, fn: () => Promise<T>): Promise<T> {
  await sql`savepoint parley_item`.execute(trx)
  let value: T
  try {
    value = await fn()
  } catch (err) {
    await sql`rollback to savepoint parley_item`.execute(trx)
    await sql`release savepoint parley_item`.execute(trx)
    throw err
  }
  await sql`release savepoint parley_item`.execute(trx)
  return value
}
