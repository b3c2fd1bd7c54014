/// <reference lib="WebWorker" />
// Background Sync: the service worker sends the outbox by itself, even with the app closed.
// It runs the same Outbox class as the page, over fetch (the session cookie travels with
// same-origin requests), under the same per-conversation Web Locks.
import { openParleyDb, type ParleyDatabase } from '../kernel/db'
import { Outbox } from '../kernel/outbox/outbox'
import { httpTransport, sendItem } from '../kernel/outbox/send'
import { OUTBOX_CHANNEL, OUTBOX_SYNC_TAG, type OutboxChannelMessage } from '../kernel/outbox/sync'

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
    const outbox = new Outbox({ db: async () => db, send: (item, ctx) => sendItem(item, httpTransport, ctx) })
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

export function registerOutboxSync(sw: ServiceWorkerGlobalScope): void {
  sw.addEventListener('sync', ((event: SyncEvent) => {
    if (event.tag !== OUTBOX_SYNC_TAG) return
    event.waitUntil(
      syncOutbox(
        () => openParleyDb(),
        () => {
          const channel = new BroadcastChannel(OUTBOX_CHANNEL)
          channel.postMessage({ type: 'outbox-changed' } satisfies OutboxChannelMessage)
          channel.close()
        },
      ),
    )
  }) as EventListener)
}
