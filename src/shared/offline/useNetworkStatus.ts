import { computed, readonly, shallowRef } from 'vue'
import { isApiError } from '@/shared/api/errors'

/** What the browser says (navigator.onLine and its online / offline events). */
const browserOnline = shallowRef(typeof navigator === 'undefined' ? true : navigator.onLine)
/** A request or the socket could not reach the server although the browser thinks it is online. */
const unreachable = shallowRef(false)
let listening = false

function listen() {
  if (listening || typeof window === 'undefined') return
  listening = true
  browserOnline.value = navigator.onLine
  window.addEventListener('online', () => {
    browserOnline.value = true
    // Give the network the benefit of the doubt; the next failure says otherwise.
    unreachable.value = false
  })
  window.addEventListener('offline', () => {
    browserOnline.value = false
  })
}

/** A request got no answer (offline, DNS, timeout) or the socket dropped. */
export function reportNetworkFailure(): void {
  unreachable.value = true
}

/** The server answered. */
export function reportNetworkSuccess(): void {
  unreachable.value = false
}

/** A request failed without an answer from the server (not a 4xx/5xx, not a cancel). */
export function isNetworkError(e: unknown): boolean {
  return isApiError(e) && e.status === 0 && e.code !== 'aborted'
}

/** Reports `e` when it is a network error; answers whether it was. */
export function noteRequestError(e: unknown): boolean {
  const network = isNetworkError(e)
  if (network) reportNetworkFailure()
  return network
}

/** Whether Parley can reach its server: drives the offline banner. */
export function useNetworkStatus() {
  listen()
  const online = computed(() => browserOnline.value && !unreachable.value)
  return { online, browserOnline: readonly(browserOnline) }
}
