import 'fake-indexeddb/auto'
import { openDB } from 'idb'
import { describe, expect, it, vi } from 'vitest'
import { DB_NAME, DB_VERSION } from './schema'
import { bounded, getDb, isStorageUnavailable } from './index'
import { databaseBlocked, StorageUnavailableError } from './status'

describe('getDb: every wait is bounded', () => {
  it('an upgrade blocked by another tab (an older version held open, versionchange ignored) fails fast, flags it, and recovers', async () => {
    // The "other tab": an older version of the database, opened without a versionchange handler.
    const old = await openDB(DB_NAME, DB_VERSION - 1, {
      upgrade(db) {
        db.createObjectStore('settings', { keyPath: 'key' })
      },
    })
    const started = Date.now()
    const err = await getDb(10_000).catch((e: unknown) => e)
    expect(isStorageUnavailable(err)).toBe(true)
    expect((err as StorageUnavailableError).reason).toBe('blocked')
    expect(Date.now() - started).toBeLessThan(2000)
    expect(databaseBlocked.get()).toBe(true)
    // Asking again while blocked answers at once, too.
    await expect(getDb(10_000)).rejects.toBeInstanceOf(StorageUnavailableError)

    // The other tab goes away: the pending open completes, and the app gets its database.
    old.close()
    await vi.waitFor(() => expect(databaseBlocked.get()).toBe(false))
    const db = await getDb(5_000)
    expect(db.version).toBe(DB_VERSION)
    db.close()
  })

  it('bounded() gives up after the timeout with StorageUnavailableError', async () => {
    const never = new Promise<number>(() => undefined)
    await expect(bounded(never, 20)).rejects.toMatchObject({ name: 'StorageUnavailableError', reason: 'timeout' })
    await expect(bounded(Promise.resolve(7), 20)).resolves.toBe(7)
  })
})
