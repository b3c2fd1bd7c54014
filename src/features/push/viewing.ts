import { onScopeDispose, watch } from 'vue'
import type { ClientFrame } from '@/kernel/contract'
import { currentDeviceId } from './usePushNotifications'

export interface ViewingOptions {
  /** Sends a frame on the realtime socket; false when it isn't open. */
  send: (frame: ClientFrame) => boolean
  /** The conversation on screen, or null. */
  conversationId: () => string | null
}

/** Closes the notifications of a conversation now on screen. */
export async function closeConversationNotifications(conversationId: string): Promise<void> {
  if (!('serviceWorker' in navigator)) return
  const reg = await navigator.serviceWorker.getRegistration()
  for (const n of (await reg?.getNotifications({ tag: `conv-${conversationId}` }).catch(() => [])) ?? []) n.close()
}

/**
 * Tells the server which conversation this device shows (none while the app is hidden), so it
 * sends no push for it here. Call `report()` again when the socket is ready (a new connection
 * starts with nothing on screen). Stops with the calling scope (a component, or an effectScope).
 */
export function useViewingReporter(opts: ViewingOptions) {
  let last: string | null | undefined

  async function report(force = false): Promise<void> {
    const deviceId = await currentDeviceId()
    const id = document.visibilityState === 'visible' ? opts.conversationId() : null
    if (id) void closeConversationNotifications(id)
    if (!deviceId || (!force && id === last)) return
    if (opts.send({ type: 'viewing', conversationId: id, deviceId })) last = id
  }

  const onVisibility = () => void report()
  document.addEventListener('visibilitychange', onVisibility)
  const stop = watch(opts.conversationId, () => void report())
  onScopeDispose(() => {
    document.removeEventListener('visibilitychange', onVisibility)
    stop()
  })

  return { report: () => report(true) }
}
