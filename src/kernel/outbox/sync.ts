// Background Sync, page side: asks the browser to wake the service worker (src/sw/sync.ts).
import { OUTBOX_SYNC_TAG } from '../messages'

export { OUTBOX_CHANNEL, OUTBOX_SYNC_TAG, type OutboxChannelMessage } from '../messages'

interface SyncRegistration {
  sync?: { register(tag: string): Promise<void> }
}

/**
 * Asks the browser to wake the service worker when there is a network (Chromium's SyncManager),
 * even if the app is closed by then. Elsewhere the page's own triggers (online, foreground,
 * reconnect, start) do the work.
 */
export async function requestBackgroundSync(tag: string = OUTBOX_SYNC_TAG): Promise<boolean> {
  try {
    if (typeof navigator === 'undefined' || !('serviceWorker' in navigator) || !('SyncManager' in globalThis)) return false
    const registration = (await navigator.serviceWorker.getRegistration()) as (ServiceWorkerRegistration & SyncRegistration) | undefined
    if (!registration?.sync || !registration.active) return false
    await registration.sync.register(tag)
    return true
  } catch {
    // Not allowed here (permission, private mode): the page's triggers still send.
    return false
  }
}
