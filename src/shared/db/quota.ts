import { shallowRef } from 'vue'

/**
 * A write to IndexedDB failed because the device's storage is full. The app shows this to the agent
 * (AgentLayout's alert) until they dismiss it; it is never swallowed.
 */
export const storageFull = shallowRef(false)

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
  storageFull.value = true
  return true
}

/** The agent closed the alert (it comes back with the next failed write). */
export function dismissStorageError(): void {
  storageFull.value = false
}
