import { onBeforeUnmount, onMounted } from 'vue'
import type { Router } from 'vue-router'

/**
 * A click on a notification while Parley is open: the service worker asks this window to route
 * itself (no reload) and waits for the answer on the message port; without one it navigates.
 */
export function useOpenFromNotification(router: Router) {
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: string; url?: unknown } | null
    if (data?.type !== 'open-conversation' || typeof data.url !== 'string' || !data.url.startsWith('/') || data.url.startsWith('//')) return
    void router.push(data.url)
    event.ports[0]?.postMessage('ok')
  }
  onMounted(() => navigator.serviceWorker?.addEventListener('message', onMessage))
  onBeforeUnmount(() => navigator.serviceWorker?.removeEventListener('message', onMessage))
}
