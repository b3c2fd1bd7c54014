import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'

/** Blobs kept in the database (PostgreSQL installs; services/storage.ts createDbStore). */
export async function insertBlob(db: Kysely<DB>, key: string, data: Buffer): Promise<void> {
  await db.insertInto('blobs').values({ key, data, created_at: Date.now() }).execute()
}

/** A blob's size in bytes, or undefined when there is none. */
export async function blobSize(db: Kysely<DB>, key: string): Promise<number | undefined> {
  const row = await db.selectFrom('blobs').select((eb) => eb.fn<number>('octet_length', ['data']).as('n')).where('key', '=', key).executeTakeFirst()
  return row ? Number(row.n) : undefined
}

/** A blob's bytes. @throws when there is none */
export async function readBlob(db: Kysely<DB>, key: string): Promise<Buffer> {
  return (await db.selectFrom('blobs').select('data').where('key', '=', key).executeTakeFirstOrThrow()).data
}

export async function deleteBlob(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('blobs').where('key', '=', key).execute()
}
