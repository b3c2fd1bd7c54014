import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'

/** A setting stored as JSON under `key`, or undefined when it was never set. */
export async function getSetting<T>(db: Kysely<DB>, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
  return row ? (JSON.parse(row.value) as T) : undefined
}

/**
 * Stores `value` as JSON under `key`. With `overwrite` false an existing value wins (insert if
 * absent, one statement: two processes starting together agree on one value).
 */
export async function putSetting(db: Kysely<DB>, key: string, value: unknown, overwrite = true): Promise<void> {
  const v = JSON.stringify(value)
  await db.insertInto('settings').values({ key, value: v })
    .onConflict((oc) => (overwrite ? oc.column('key').doUpdateSet({ value: v }) : oc.column('key').doNothing()))
    .execute()
}

/** Any query at all: the database answers (health check). */
export async function ping(db: Kysely<DB>): Promise<void> {
  await db.selectFrom('settings').select('key').limit(1).execute()
}

/** A setting's stored text as is (not JSON), or undefined. */
export async function getSettingText(db: Kysely<DB>, key: string): Promise<string | undefined> {
  return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value
}

/** Stores text as is under `key`; with `overwrite` false an existing value wins. */
export async function putSettingText(db: Kysely<DB>, key: string, value: string, overwrite = true): Promise<void> {
  await db.insertInto('settings').values({ key, value })
    .onConflict((oc) => (overwrite ? oc.column('key').doUpdateSet({ value }) : oc.column('key').doNothing()))
    .execute()
}

export async function deleteSetting(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', key).execute()
}
