import { shallowRef } from 'vue'
import type { Workbox } from 'workbox-window'
import { listenForInstallPrompt } from './useInstallPrompt'

/** A new service worker is installed and waiting for the user to say "Reload". */
export const updateAvailable = shallowRef(false)
let wb: Workbox | null = null

/** Production only: registers /sw.js and reports a waiting update (never reloads on its own). */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return
  // From the very start (the sign-in page too): the browser's install offer comes once per page load.
  listenForInstallPrompt()
  const { Workbox } = await import('workbox-window')
  wb = new Workbox('/sw.js', { scope: '/' })
  wb.addEventListener('waiting', () => {
    updateAvailable.value = true
  })
  try {
    await wb.register()
  } catch {
    // No service worker (plain http on a LAN, private mode): the app works without it.
  }
}

/** The user chose to update: the waiting worker takes over, then the page reloads once. */
export function applyUpdate(): void {
  if (!wb) {
    window.location.reload()
    return
  }
  wb.addEventListener('controlling', () => window.location.reload())
  wb.messageSkipWaiting()
}
