// The state of this device's storage, as the app must show it (framework-free: the service worker
// imports this module too). The Vue wrapper is src/features/offline/useStorageStatus.ts.
import { signal } from '../signal'

/**
 * A write to IndexedDB failed because the device's storage is full. The app shows this to the agent
 * (AgentLayout's alert) until they dismiss it; it is never swallowed.
 */
export const storageFull = signal(false)

/**
 * Opening the database is blocked: another Parley tab still holds an older version open and has not
 * let go (IDBOpenDBRequest `blocked`). The app asks the agent to close the other tabs and works from
 * the network meanwhile.
 */
export const databaseBlocked = signal(false)

/**
 * IndexedDB did not answer in time, is blocked, or does not exist here (private modes). Callers fall
 * back to the network; text that could not be stored stays where the user typed it.
 */
export class StorageUnavailableError extends Error {
  constructor(readonly reason: 'timeout' | 'blocked' | 'unsupported', message?: string) {
    super(message ?? (reason === 'blocked' ? 'Another Parley tab holds an older version of the local database open' : 'Local storage did not answer'))
    this.name = 'StorageUnavailableError'
  }
}

export function isStorageUnavailable(e: unknown): e is StorageUnavailableError {
  return e instanceof StorageUnavailableError
}

/** QuotaExceededError in its browser spellings (a DOMException, or Firefox's older name/code). */
export function isQuotaError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false
  const err = e as { name?: unknown; code?: unknown; cause?: unknown }
  if (err.name === 'QuotaExceededError' || err.name === 'NS_ERROR_DOM_QUOTA_REACHED') return true
  if (err.code === 22 || err.code === 1014) return true
  return err.cause !== undefined && err.cause !== e && isQuotaError(err.cause)
}

/**
 * Report an error from an IndexedDB write (cache, outbox, drafts): a full disk is shown to the
 * agent. Answers true when it was a quota error. Other errors are left to the caller.
 */
export function reportStorageError(e: unknown): boolean {
  if (!isQuotaError(e)) return false
  storageFull.set(true)
  return true
}

/** The agent closed the alert (it comes back with the next failed write). */
export function dismissStorageError(): void {
  storageFull.set(false)
}
