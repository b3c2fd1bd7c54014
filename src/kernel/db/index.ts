import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb'
import { DB_NAME, DB_VERSION, type ParleyDB } from './schema'
import { databaseBlocked, StorageUnavailableError } from './status'

export type { ChatRef, Draft, OutboxAttachment, OutboxItem, OutboxStatus, OutboxStoreName, ParleyDB, Setting } from './schema'
export { StorageUnavailableError, isStorageUnavailable } from './status'
export type ParleyDatabase = IDBPDatabase<ParleyDB>
type UpgradeTx = IDBPTransaction<ParleyDB, StoreNames<ParleyDB>[], 'versionchange'>

/**
 * How long a caller waits for the database to open before it works without it (ms). Opening can
 * hang: Safari's first open after an update, or an upgrade another tab blocks. Past this the app
 * reads from the network; a later call uses the database once it did open.
 */
export const DB_WAIT_MS = 2500

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
  3(db) {
    // The customer page's outbox (messages and photos of a chat, sent with its token).
    const chat = db.createObjectStore('chatOutbox', { keyPath: 'clientId' })
    chat.createIndex('byConversation', ['conversationId', 'createdAt'])
  },
}

export interface OpenHooks {
  /** The connection closed: a newer version wants to upgrade, or the browser closed it. */
  onClose?: () => void
  /** Another tab holds an older version open and did not close it: this open waits. */
  onBlocked?: () => void
}

export async function openParleyDb(name = DB_NAME, hooks: OpenHooks = {}): Promise<ParleyDatabase> {
  if (typeof indexedDB === 'undefined') throw new StorageUnavailableError('unsupported', 'This browser keeps no local database here')
  const db: ParleyDatabase = await openDB<ParleyDB>(name, DB_VERSION, {
    upgrade(upgradeDb, oldVersion, newVersion, tx) {
      for (let v = oldVersion + 1; v <= (newVersion ?? DB_VERSION); v++) migrations[v]?.(upgradeDb, tx)
    },
    blocked() {
      hooks.onBlocked?.()
    },
    blocking() {
      // A newer version of the app (another tab) wants to upgrade: step aside.
      db.close()
      hooks.onClose?.()
    },
    terminated() {
      hooks.onClose?.()
    },
  })
  return db
}

/**
 * Resolves with `work`, or rejects with StorageUnavailableError after `ms` or as soon as `gate`
 * rejects (the open was blocked). The work itself goes on: a later caller may get its result.
 */
export function bounded<T>(work: Promise<T>, ms: number, gate?: Promise<never>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageUnavailableError('timeout')), ms)
  })
  return Promise.race([work, timeout, ...(gate ? [gate] : [])]).finally(() => clearTimeout(timer))
}

/**
 * A connection of its own (the service worker's, closed after each task), bounded like getDb: past
 * `ms` it rejects with StorageUnavailableError, and a connection that opens later is closed at once
 * so it never holds up another tab's upgrade.
 */
export function openParleyDbBounded(ms = DB_WAIT_MS, name = DB_NAME): Promise<ParleyDatabase> {
  let gaveUp = false
  const opening = openParleyDb(name)
  opening.then((db) => gaveUp && db.close(), () => undefined)
  return bounded(opening, ms).catch((e: unknown) => {
    gaveUp = true
    throw e
  })
}

let shared: Promise<ParleyDatabase> | null = null
/** Rejects when the pending open is blocked by another tab (a fresh gate per open). */
let blockedGate: Promise<never> | undefined

/**
 * The app's one connection, bounded: rejects with StorageUnavailableError after `ms` (DB_WAIT_MS),
 * or at once while another tab blocks the upgrade (then `databaseBlocked` is set until the open
 * succeeds). Never waits forever.
 */
export function getDb(ms = DB_WAIT_MS): Promise<ParleyDatabase> {
  if (!shared) {
    let rejectGate!: (e: unknown) => void
    blockedGate = new Promise<never>((_, reject) => (rejectGate = reject))
    blockedGate.catch(() => undefined)
    const opening = openParleyDb(DB_NAME, {
      onClose: () => {
        if (shared === opening) shared = null
      },
      onBlocked: () => {
        databaseBlocked.set(true)
        rejectGate(new StorageUnavailableError('blocked'))
      },
    }).then(
      (db) => {
        databaseBlocked.set(false)
        blockedGate = undefined
        return db
      },
      (e: unknown) => {
        if (shared === opening) shared = null
        throw e
      },
    )
    opening.catch(() => undefined)
    shared = opening
  }
  return bounded(shared, ms, blockedGate).catch((e: unknown) => {
    if (e instanceof StorageUnavailableError && e.reason === 'timeout') void noticeWaitingUpgrade()
    throw e
  })
}

/**
 * An open that times out while the stored database is older than DB_VERSION is an upgrade waiting
 * for another tab: only the first open request of a blocked upgrade gets the `blocked` event (a tab
 * reloaded while blocked queues behind it and hears nothing), so ask the browser which version is
 * stored (indexedDB.databases(), where there is one).
 */
async function noticeWaitingUpgrade(): Promise<void> {
  try {
    const list = await indexedDB.databases?.()
    const stored = list?.find((d) => d.name === DB_NAME)?.version
    if (stored !== undefined && stored < DB_VERSION && shared) databaseBlocked.set(true)
  } catch {
    // not supported here: the app still works from the network
  }
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
