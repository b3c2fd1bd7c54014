// Background Sync names shared by the page and the service worker (src/sw/sync.ts).

/** The sync tag: "the outbox has something to send". */
export const OUTBOX_SYNC_TAG = 'parley-outbox'
/** BroadcastChannel on which the service worker tells open pages the outbox changed. */
export const OUTBOX_CHANNEL = 'parley-outbox'

export type OutboxChannelMessage = { type: 'outbox-changed' }

interface SyncRegistration {
  sync?: { register(tag: string): Promise<void> }
}

/**
 * Asks the browser to wake the service worker when there is a network (Chromium's SyncManager),
 * even if the app is closed by then. Elsewhere the page's own triggers (online, foreground,
 * reconnect, start) do the work.
 */
export async function requestBackgroundSync(): Promise<boolean> {
  try {
    if (typeof navigator === 'undefined' || !('serviceWorker' in navigator) || !('SyncManager' in globalThis)) return false
    const registration = (await navigator.serviceWorker.getRegistration()) as (ServiceWorkerRegistration & SyncRegistration) | undefined
    if (!registration?.sync || !registration.active) return false
    await registration.sync.register(OUTBOX_SYNC_TAG)
    return true
  } catch {
    // Not allowed here (permission, private mode): the page's triggers still send.
    return false
  }
}
