import { onScopeDispose } from 'vue'
import type { Router } from 'vue-router'
import { isOpenConversation } from '@/kernel/messages'

/**
 * A click on a notification while Parley is open: the service worker asks this window to route
 * itself (no reload) and waits for the answer on the message port; without one it navigates.
 * Listens from the call until the calling scope (a component, or an effectScope) ends.
 */
export function useOpenFromNotification(router: Router) {
  const onMessage = (event: MessageEvent) => {
    const data: unknown = event.data
    if (!isOpenConversation(data)) return
    void router.push(data.url)
    event.ports[0]?.postMessage('ok')
  }
  navigator.serviceWorker?.addEventListener('message', onMessage)
  onScopeDispose(() => navigator.serviceWorker?.removeEventListener('message', onMessage))
}
