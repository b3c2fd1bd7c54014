// Whether Parley can reach its server, framework-free (the Vue wrapper is
// src/features/offline/useNetworkStatus.ts). Requests and the socket report here.
import { isNetworkError } from './http/errors'
import { signal } from './signal'

/** What the browser says (navigator.onLine and its online / offline events). */
export const browserOnline = signal(typeof navigator === 'undefined' ? true : navigator.onLine)
/** A request or the socket could not reach the server although the browser thinks it is online. */
export const unreachable = signal(false)

let listening = false

/** Follows the browser's online / offline events (once; pages only). */
export function listenForNetwork(): void {
  if (listening || typeof window === 'undefined') return
  listening = true
  browserOnline.set(navigator.onLine)
  window.addEventListener('online', () => {
    browserOnline.set(true)
    // Give the network the benefit of the doubt; the next failure says otherwise.
    unreachable.set(false)
  })
  window.addEventListener('offline', () => browserOnline.set(false))
}

/** A request got no answer (offline, DNS, timeout) or the socket dropped. */
export function reportNetworkFailure(): void {
  unreachable.set(true)
}

/** The server answered. */
export function reportNetworkSuccess(): void {
  unreachable.set(false)
}

/** Reports `e` when it is a network error; answers whether it was. */
export function noteRequestError(e: unknown): boolean {
  const network = isNetworkError(e)
  if (network) reportNetworkFailure()
  return network
}

export { isNetworkError }
