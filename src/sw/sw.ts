/// <reference lib="WebWorker" />
import { clientsClaim } from 'workbox-core'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { isSkipWaiting } from '../kernel/messages'
import { loadPushPref, savePushPref } from '../kernel/push/prefs'
import { handleNotificationClick, type AppWindow, type ClickEnv } from './clicks'
import { parsePayload, showPush } from './notifications'
import { resubscribe } from './subscription'
import { registerRuntimeCaching } from './runtimeCache'
import { registerOutboxSync } from './sync'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<string | { url: string; revision: string | null }> }

// The app shell: every built file, versioned by the build.
precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

// Client-side routes open the cached index.html; the API is never answered from here.
// The customer chat page (/chat/…) goes to the network first: its answer carries the queue's
// frame-ancestors (a company's site may frame it), which the cached shell's headers would refuse;
// offline it still opens from the cache.
const shell = createHandlerBoundToURL('index.html')
registerRoute(new NavigationRoute(shell, { denylist: [/^\/api\//, /^\/chat\//] }))
registerRoute(new NavigationRoute(async (options) => {
  try {
    return await fetch(options.request)
  } catch {
    return shell(options)
  }
}, { allowlist: [/^\/chat\//] }))

// Attachment files and thumbnails, kept for offline reading (capped; emptied on sign-out).
registerRuntimeCaching(self.location.origin)

// A waiting version takes over only when the user presses "Reload".
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if (isSkipWaiting(event.data)) void self.skipWaiting()
})

// Every push shows a notification (browsers punish silent pushes): a generic one if it can't be read.
// One at a time: each reads the one it replaces (the message count) after the last was shown.
let pushQueue: Promise<unknown> = Promise.resolve()
self.addEventListener('push', (event: PushEvent) => {
  let text: string | null
  try {
    text = event.data?.text() ?? null
  } catch {
    text = null
  }
  const shown = pushQueue.then(() => showPush(self.registration, parsePayload(text)))
  pushQueue = shown.catch(() => undefined)
  event.waitUntil(shown)
})

const clickEnv: ClickEnv = {
  origin: self.location.origin,
  matchWindows: () => self.clients.matchAll({ type: 'window', includeUncontrolled: true }) as Promise<readonly AppWindow[]>,
  openWindow: (url) => self.clients.openWindow(url),
  fetch: (url, init) => fetch(url, init),
  showNotification: (title, options) => self.registration.showNotification(title, options),
}

self.addEventListener('notificationclick', (event: NotificationEvent) => {
  event.notification.close()
  event.waitUntil(handleNotificationClick(clickEnv, event.action, event.notification.data))
})

self.addEventListener('pushsubscriptionchange', (event: PushSubscriptionChangeEvent) => {
  event.waitUntil(
    resubscribe(
      { pushManager: self.registration.pushManager, fetch: (url, init) => fetch(url, init), loadPref: loadPushPref, savePref: savePushPref },
      event.oldSubscription,
      event.newSubscription,
    ).catch(() => false),
  )
})

// Background Sync: queued messages and actions go out even with the app closed.
registerOutboxSync(self)

clientsClaim()
