/// <reference lib="WebWorker" />
// Background Sync: the service worker sends the outbox by itself, even with the app closed.
// It runs the same Outbox class as the page, over fetch (the session cookie travels with
// same-origin requests), under the same per-conversation Web Locks.
import { openParleyDbBounded, type ParleyDatabase } from '../kernel/db'
import { Outbox } from '../kernel/outbox/outbox'
import { batchSender, httpTransport, sendItem } from '../kernel/outbox/send'
import { completePendingSignOut } from '../kernel/account/signOut'
import { broadcast, OUTBOX_SYNC_TAG, SIGNOUT_SYNC_TAG } from '../kernel/messages'

interface SyncEvent extends ExtendableEvent {
  readonly tag: string
  readonly lastChance: boolean
}

/**
 * One pass over the outbox. Resolves when nothing is left waiting on the network; rejects when
 * something is (the browser then fires the sync again later, with its own backoff).
 */
export async function syncOutbox(openDb: () => Promise<ParleyDatabase>, notify: () => void): Promise<void> {
  const db = await openDb()
  try {
    const outbox = new Outbox({ db: async () => db, send: (item, ctx) => sendItem(item, httpTransport, ctx), batch: batchSender(httpTransport) })
    let changed = false
    outbox.subscribe(() => (changed = true))
    const { retry, unauthorized } = await outbox.sendAll()
    outbox.dispose()
    if (changed) notify()
    // Signed out: nothing to do until the agent signs in again (the page then sends).
    if (retry && !unauthorized) throw new Error('The outbox is still waiting for the network')
  } finally {
    db.close()
  }
}

/**
 * A sign-out made offline: the outbox's last items, this device's push registration, then the
 * session, as soon as there is a network. Rejects while the server can't be reached (the browser
 * fires the sync again later).
 */
export async function syncSignOut(openDb: () => Promise<ParleyDatabase>): Promise<void> {
  let db: Promise<ParleyDatabase> | null = null
  try {
    const state = await completePendingSignOut({ send: (item, ctx) => sendItem(item, httpTransport, ctx), batch: batchSender(httpTransport) }, () => (db ??= openDb()))
    if (state === 'pending') throw new Error('The sign-out is still waiting for the network')
  } finally {
    if (db) (await (db as Promise<ParleyDatabase>).catch(() => null))?.close()
  }
}

export function registerOutboxSync(sw: ServiceWorkerGlobalScope): void {
  sw.addEventListener('sync', ((event: SyncEvent) => {
    if (event.tag === OUTBOX_SYNC_TAG) event.waitUntil(syncOutbox(() => openParleyDbBounded(), () => broadcast({ type: 'outbox-changed' })))
    else if (event.tag === SIGNOUT_SYNC_TAG) event.waitUntil(syncSignOut(() => openParleyDbBounded()))
  }) as EventListener)
}
