// Sign-out counts once the server has it: the session ends there and this device's push
// registration goes. Made offline, it is recorded here (IndexedDB for the service worker,
// localStorage for the page: either may be unavailable) and completed as soon as the network is
// back, by the page (`online`, start, sign-in) or the service worker (Background Sync).
import { apiVoid } from '../http/client'
import { isApiError, isNetworkError } from '../http/errors'
import { broadcast, SIGNOUT_SYNC_TAG } from '../messages'
import { getDb, type ParleyDatabase } from '../db'
import { Outbox, type OutboxOptions } from '../outbox/outbox'
import { requestBackgroundSync } from '../outbox/sync'

/** settings key (IndexedDB) and localStorage key of a sign-out the server has not heard yet. */
export const PENDING_SIGNOUT_KEY = 'account.signout'
const LOCAL_KEY = 'parley.signout'

export interface PendingSignOut {
  /** When the agent signed out (ms since the epoch). */
  at: number
  /** This device's push registration on the server, to remove (null: none). */
  deviceId: string | null
}

export type SignOutState = 'none' | 'done' | 'pending'

/** localStorage where there is one (pages; not the service worker). */
type KeyValue = { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void }
const local = (): KeyValue | undefined => (globalThis as { localStorage?: KeyValue }).localStorage

function readLocal(): PendingSignOut | null {
  try {
    const raw = local()?.getItem(LOCAL_KEY)
    return raw ? (JSON.parse(raw) as PendingSignOut) : null
  } catch {
    return null
  }
}

/** A page whose localStorage works: it holds every record the page made (no IndexedDB wait). */
function localWorks(): boolean {
  try {
    const s = local()
    if (!s) return false
    s.getItem(LOCAL_KEY)
    return true
  } catch {
    return false
  }
}

function writeLocal(p: PendingSignOut | null): void {
  try {
    if (p) local()?.setItem(LOCAL_KEY, JSON.stringify(p))
    else local()?.removeItem(LOCAL_KEY)
  } catch {
    // no localStorage (service worker, private mode): IndexedDB holds it
  }
}

async function withDb<T>(db: () => Promise<ParleyDatabase>, fn: (db: ParleyDatabase) => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn(await db())
  } catch {
    return fallback
  }
}

/**
 * Records a sign-out for the server (before anything local is wiped) and asks for a Background
 * Sync. Resolves whether it was stored somewhere (false: neither storage works; then the caller
 * must complete it now or say it could not).
 */
export async function recordSignOut(p: PendingSignOut, db: () => Promise<ParleyDatabase> = getDb): Promise<boolean> {
  writeLocal(p)
  const inDb = await withDb(db, async (d) => (await d.put('settings', { key: PENDING_SIGNOUT_KEY, value: p }), true), false)
  void requestBackgroundSync(SIGNOUT_SYNC_TAG)
  return inDb || readLocal() !== null
}

/** The sign-out waiting for the server, if any. */
export async function readPendingSignOut(db: () => Promise<ParleyDatabase> = getDb): Promise<PendingSignOut | null> {
  // The page writes both: localStorage answers at once, even while IndexedDB is slow or blocked.
  const fast = readLocal()
  if (fast) return fast
  if (localWorks()) return null
  const stored = await withDb(db, async (d) => (await d.get('settings', PENDING_SIGNOUT_KEY))?.value as PendingSignOut | undefined, undefined)
  return stored ?? null
}

async function forget(db: () => Promise<ParleyDatabase>): Promise<void> {
  writeLocal(null)
  await withDb(db, (d) => d.delete('settings', PENDING_SIGNOUT_KEY), undefined)
}

/** 404 (device already gone) and 401 (session already over) mean the server is where we want it. */
const alreadyDone = (e: unknown) => isApiError(e) && (e.status === 404 || e.status === 401)

let running: Promise<SignOutState> | null = null

/**
 * How the outbox's items are sent: the page passes its lazily loaded sender (`kernel/outbox/lazy.ts`),
 * the service worker the sending code itself (`send.ts`; a worker's build can't load chunks later).
 */
export type OutboxSenders = Pick<OutboxOptions, 'send' | 'batch'>

/**
 * Completes a recorded sign-out: what the outbox still holds goes first (it was written before),
 * then this device's push registration is removed and the session ended. 'pending' when the
 * server could not be reached (it stays recorded); 'none' when there was nothing to do.
 * One run at a time per context.
 */
export function completePendingSignOut(senders: OutboxSenders, db: () => Promise<ParleyDatabase> = getDb): Promise<SignOutState> {
  running ??= run(senders, db).finally(() => (running = null))
  return running
}

async function run(senders: OutboxSenders, db: () => Promise<ParleyDatabase>): Promise<SignOutState> {
  const pending = await readPendingSignOut(db)
  if (!pending) return 'none'
  try {
    await withDb(db, async (d) => {
      const outbox = new Outbox({ db: async () => d, ...senders })
      await outbox.sendAll()
      outbox.dispose()
    }, undefined)
    if (pending.deviceId) {
      await apiVoid('DELETE', `push/devices/${encodeURIComponent(pending.deviceId)}`).catch((e: unknown) => {
        if (!alreadyDone(e)) throw e
      })
    }
    await apiVoid('POST', 'auth/logout').catch((e: unknown) => {
      if (!alreadyDone(e)) throw e
    })
  } catch (e) {
    // No network, or the server in trouble: try again later. Anything else can never succeed.
    if (isNetworkError(e) || (isApiError(e) && e.isTransient)) return 'pending'
  }
  await forget(db)
  broadcast({ type: 'signout-completed' })
  return 'done'
}
