// The customer page's durable outbox: the kernel's Outbox over the `chatOutbox` store. Messages and
// photos are stored in IndexedDB under their chat (address and token) before anything is sent, so
// a reload or a discarded tab loses nothing; they go once each (client ids) and in order.
import { onBeforeUnmount, shallowRef } from 'vue'
import { getDb } from '@/kernel/db'
import { Outbox, type EnqueueInput, type OutboxItem, type OutboxOptions } from '@/kernel/outbox/outbox'
import { lazyBatchSender, preloadSending, sendLater } from '@/kernel/outbox/lazy'

export type CustomerOutboxHooks = Pick<OutboxOptions, 'onSent' | 'onFailed' | 'onUnauthorized'>

export function useCustomerOutbox(hooks: CustomerOutboxHooks) {
  /** Every stored item of every chat on this browser (the page shows its chat's). */
  const items = shallowRef<OutboxItem[]>([])
  /** Upload progress by clientId, 0..1. */
  const progress = shallowRef<Record<string, number>>({})

  const outbox = new Outbox({
    store: 'chatOutbox',
    db: getDb,
    send: sendLater,
    batch: lazyBatchSender,
    onProgress: (clientId, fraction) => {
      const next = { ...progress.value }
      if (fraction === null) delete next[clientId]
      else next[clientId] = fraction
      progress.value = next
    },
    ...hooks,
  })
  outbox.subscribe((list) => (items.value = list))
  /** What a previous page left (IndexedDB may be unavailable: then nothing was kept). */
  const loaded = outbox.load().catch(() => [])
  // The sending code, right after: it is there when the customer writes, online or not.
  void loaded.then(preloadSending)

  const flush = () => void loaded.then(() => outbox.flush()).catch(() => undefined)
  const onVisible = () => {
    if (document.visibilityState === 'visible') flush()
  }
  window.addEventListener('online', flush)
  document.addEventListener('visibilitychange', onVisible)
  onBeforeUnmount(() => {
    window.removeEventListener('online', flush)
    document.removeEventListener('visibilitychange', onVisible)
    outbox.dispose()
  })

  return {
    items,
    progress,
    loaded,
    /** Stores the item, then sends it (rejects when it could not be stored). */
    enqueue: (input: EnqueueInput) => outbox.enqueue(input),
    retry: (clientId: string) => outbox.retry(clientId),
    flush,
    /** Sending was paused by a refused token: carry on (after the chat was checked or forgotten). */
    resume: () => void outbox.resume().catch(() => undefined),
    /** Drops a chat's items (its token is refused for good: they can never be sent). */
    discardChat: async (token: string) => {
      for (const item of outbox.list()) if (item.chat?.token === token) await outbox.discard(item.clientId).catch(() => undefined)
    },
  }
}
