import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb'
import { DB_NAME, DB_VERSION, type ParleyDB } from './schema'

export type { Draft, OutboxAttachment, OutboxItem, OutboxStatus, ParleyDB, Setting } from './schema'
export type ParleyDatabase = IDBPDatabase<ParleyDB>
type UpgradeTx = IDBPTransaction<ParleyDB, StoreNames<ParleyDB>[], 'versionchange'>

/**
 * One function per schema version, run in order from the stored version up to DB_VERSION.
 * Never edit a released migration: add version N+1 (and bump DB_VERSION in schema.ts).
 */
const migrations: Record<number, (db: ParleyDatabase, tx: UpgradeTx) => void> = {
  1(db) {
    const outbox = db.createObjectStore('outbox', { keyPath: 'clientId' })
    outbox.createIndex('byConversation', ['conversationId', 'createdAt'])
    db.createObjectStore('drafts', { keyPath: 'conversationId' })
    db.createObjectStore('settings', { keyPath: 'key' })
  },
  2(db) {
    // The offline copy of the lists, recent messages and notes (written by ./cache.ts).
    db.createObjectStore('conversations', { keyPath: 'id' })
    db.createObjectStore('messages', { keyPath: ['conversationId', 'seq'] })
    const notes = db.createObjectStore('notes', { keyPath: 'id' })
    notes.createIndex('byConversation', ['conversationId', 'createdAt'])
  },
}

export async function openParleyDb(name = DB_NAME, onClose?: () => void): Promise<ParleyDatabase> {
  const db: ParleyDatabase = await openDB<ParleyDB>(name, DB_VERSION, {
    upgrade(upgradeDb, oldVersion, newVersion, tx) {
      for (let v = oldVersion + 1; v <= (newVersion ?? DB_VERSION); v++) migrations[v]?.(upgradeDb, tx)
    },
    blocking() {
      // A newer version of the app (another tab) wants to upgrade: step aside.
      db.close()
      onClose?.()
    },
    terminated() {
      onClose?.()
    },
  })
  return db
}

let shared: Promise<ParleyDatabase> | null = null

/** The app's one connection. */
export function getDb(): Promise<ParleyDatabase> {
  shared ??= openParleyDb(DB_NAME, () => {
    shared = null
  }).catch((e: unknown) => {
    shared = null
    throw e
  })
  return shared
}

export async function getSetting<T>(key: string): Promise<T | undefined> {
  const row = await (await getDb()).get('settings', key)
  return row?.value as T | undefined
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await (await getDb()).put('settings', { key, value })
}

export async function deleteSetting(key: string): Promise<void> {
  await (await getDb()).delete('settings', key)
}
