import { fromSignal } from '@/shared/utils/fromSignal'
import { databaseBlocked, dismissStorageError, storageFull } from '@/kernel/db/status'

const full = fromSignal(storageFull)
const blocked = fromSignal(databaseBlocked)

/** What the layout shows about this device's storage: a full disk, a database blocked by another tab. */
export function useStorageStatus() {
  return { storageFull: full, databaseBlocked: blocked, dismissStorageError }
}
