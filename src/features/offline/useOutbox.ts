import { shallowRef, type ShallowRef } from 'vue'
import { getDb } from '@/kernel/db'
import { reportStorageError } from '@/kernel/db/status'
import { Outbox, type EnqueueInput, type OutboxItem, type OutboxOptions } from '@/kernel/outbox/outbox'
import { httpTransport, sendItem } from '@/kernel/outbox/send'
import { OUTBOX_CHANNEL, requestBackgroundSync, type OutboxChannelMessage } from '@/kernel/outbox/sync'

const items: ShallowRef<OutboxItem[]> = shallowRef([])
/** Upload progress of items being sent, 0..1, by clientId (absent: not uploading). */
const progress: ShallowRef<Record<string, number>> = shallowRef({})
let instance: Outbox | null = null
let cleanup: (() => void) | null = null

const isMessage = (i: OutboxItem) => (i.kind ?? 'message') === 'message'

function setProgress(clientId: string, fraction: number | null) {
  const next = { ...progress.value }
  if (fraction === null) delete next[clientId]
  else next[clientId] = fraction
  progress.value = next
}

/**
 * Creates the app's outbox (once), loads what a previous session left, flushes, and flushes
 * again when the browser comes back online or the app comes to the foreground. Each new item
 * also registers a Background Sync, so the service worker sends it even if the app is closed.
 */
export function initOutbox(options: Omit<OutboxOptions, 'db' | 'send'> & Partial<Pick<OutboxOptions, 'send'>>): Outbox {
  if (instance) return instance
  const outbox = new Outbox({
    db: getDb,
    send: (item, ctx) => sendItem(item, httpTransport, ctx),
    onProgress: setProgress,
    ...options,
    onEnqueued: (item) => {
      void requestBackgroundSync()
      options.onEnqueued?.(item)
    },
  })
  instance = outbox
  outbox.subscribe((list) => (items.value = list))
  void outbox
    .load()
    .then(() => outbox.flush())
    .catch(() => undefined)

  const flush = () => void outbox.flush()
  const onVisible = () => {
    if (document.visibilityState === 'visible') flush()
  }
  window.addEventListener('online', flush)
  document.addEventListener('visibilitychange', onVisible)
  // The service worker sent (or failed) items while this page was open: show the stored state.
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(OUTBOX_CHANNEL) : null
  if (channel) {
    channel.onmessage = (e: MessageEvent<OutboxChannelMessage>) => {
      if (e.data?.type === 'outbox-changed') void outbox.load().catch(() => undefined)
    }
  }
  cleanup = () => {
    window.removeEventListener('online', flush)
    document.removeEventListener('visibilitychange', onVisible)
    channel?.close()
  }
  return outbox
}

export function disposeOutbox(): void {
  cleanup?.()
  cleanup = null
  instance?.dispose()
  instance = null
}

function need(): Outbox {
  if (!instance) throw new Error('The outbox is not started')
  return instance
}

/** A full disk while storing an outgoing item is shown to the agent; the caller still gets the error. */
function storageError(e: unknown): never {
  reportStorageError(e)
  throw e
}

/** The outbox's items (reactive) and its actions. */
export function useOutbox() {
  return {
    items,
    progress,
    /** The conversation's messages still on their way (what the thread shows). */
    forConversation: (conversationId: string) => items.value.filter((i) => i.conversationId === conversationId && isMessage(i)),
    /** The conversation's queued actions (notes, End chat, Transfer). */
    actionsFor: (conversationId: string) => items.value.filter((i) => i.conversationId === conversationId && !isMessage(i)),
    enqueue: (input: EnqueueInput) => need().enqueue(input).catch(storageError),
    /** Enqueues and waits for the first attempt: sent, refused, or queued for later. */
    submit: (input: EnqueueInput) => need().submit(input).catch(storageError),
    retry: (clientId: string) => need().retry(clientId),
    discard: (clientId: string) => need().discard(clientId),
    flush: () => instance?.flush() ?? Promise.resolve(),
    resume: () => instance?.resume() ?? Promise.resolve(),
  }
}
