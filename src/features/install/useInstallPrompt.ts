import { computed, shallowRef } from 'vue'
import { installMode } from './installPlatform'

/** Chromium's install event (not in the DOM typings). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>
}

const deferred = shallowRef<BeforeInstallPromptEvent | null>(null)
const installed = shallowRef(false)
const standalone = shallowRef(false)
let listening = false

const STANDALONE = '(display-mode: standalone), (display-mode: fullscreen), (display-mode: minimal-ui)'

/**
 * Keep the browser's install offer for our own "Install Parley" button (instead of its mini
 * infobar). Called as early as possible: the event fires once per page load.
 */
export function listenForInstallPrompt(): void {
  if (listening || typeof window === 'undefined') return
  listening = true
  window.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault()
    deferred.value = e as BeforeInstallPromptEvent
  })
  window.addEventListener('appinstalled', () => {
    installed.value = true
    deferred.value = null
  })
  const nav = navigator as Navigator & { standalone?: boolean }
  const query = typeof matchMedia === 'function' ? matchMedia(STANDALONE) : null
  standalone.value = nav.standalone === true || !!query?.matches
  query?.addEventListener('change', (e) => {
    standalone.value = nav.standalone === true || e.matches
  })
}

/** Whether and how Parley can be installed here, and the install action. */
export function useInstallPrompt() {
  listenForInstallPrompt()
  const mode = computed(() =>
    installMode({
      userAgent: navigator.userAgent,
      maxTouchPoints: navigator.maxTouchPoints ?? 0,
      standalone: standalone.value,
      installed: installed.value,
      hasPrompt: deferred.value !== null,
    }),
  )

  /** Shows the browser's install dialog. Resolves true when the agent accepted. */
  async function install(): Promise<boolean> {
    const event = deferred.value
    if (!event) return false
    // The event can be used once: the browser offers a new one if the agent says no.
    deferred.value = null
    await event.prompt()
    const { outcome } = await event.userChoice
    if (outcome === 'accepted') installed.value = true
    return outcome === 'accepted'
  }

  return { mode, install, installedNow: computed(() => installed.value && !standalone.value) }
}
