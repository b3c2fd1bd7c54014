import { i18n } from '@/shared/i18n'
import { shallowRef, type ShallowRef } from 'vue'
import { getDb } from '@/kernel/db'
import { databaseBlocked, isStorageUnavailable, reportStorageError } from '@/kernel/db/status'
import { isApiError, isNetworkError } from '@/kernel/http/errors'
import { Outbox, type EnqueueInput, type OutboxItem, type OutboxOptions, type Settled } from '@/kernel/outbox/outbox'
import { lazyBatchSender, preloadSending, sendLater } from '@/kernel/outbox/lazy'
import { uuid } from '@/kernel/uuid'
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
 * Creates the app's outbox (once) and reads what a previous session left (the thread shows it),
 * without sending anything: `startOutbox()` does that, after the first screen has painted. Each
 * new item also registers a Background Sync, so the service worker sends it even if the app is
 * closed (an item enqueued before `startOutbox()` is sent at once too).
 */
export function initOutbox(options: Omit<OutboxOptions, 'db' | 'send'> & Partial<Pick<OutboxOptions, 'send'>>): Outbox {
  if (instance) return instance
  onSentHook = options.onSent
  const outbox = new Outbox({
    db: getDb,
    // The sending code loads when the first item goes (after the first paint).
    send: sendLater,
    batch: lazyBatchSender,
    onProgress: setProgress,
    ...options,
    onEnqueued: (item) => {
      void requestBackgroundSync()
      options.onEnqueued?.(item)
    },
  })
  instance = outbox
  outbox.subscribe((list) => (items.value = list))
  loaded = outbox.load().catch(() => undefined)
  return outbox
}

let loaded: Promise<unknown> = Promise.resolve()

/**
 * Starts sending: what is stored goes now, and again when the browser comes back online or the
 * app to the foreground, or when a blocked database opens after all. Once per initOutbox.
 */
export function startOutbox(): void {
  const outbox = instance
  if (!outbox || cleanup) return
  preloadSending()
  void loaded.then(() => outbox.flush()).catch(() => undefined)

  // The database opened after all (the other tab closed): show and send what it holds.
  const stopWatching = databaseBlocked.subscribe((blocked) => {
    if (!blocked) void outbox.load().then(() => outbox.flush()).catch(() => undefined)
  })

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
    stopWatching()
    window.removeEventListener('online', flush)
    document.removeEventListener('visibilitychange', onVisible)
    channel?.close()
  }
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

let onSentHook: OutboxOptions['onSent']

/** Said when an item could be neither stored nor sent: the caller keeps the text where it was typed. */
/** "Not sent: this device can't store it…" in the interface language. */
export const notSentNotStored = (): string => i18n.global.t('offline.notSentNotStored')

/**
 * IndexedDB is unavailable (blocked by another tab, hanging, private mode): the item goes straight
 * to the server instead, without the outbox's durability. Rejects with an Error whose message is
 * fit for the user when it could not be sent (the caller keeps the text).
 */
async function sendWithoutStorage(input: EnqueueInput): Promise<{ item: OutboxItem; settled: Settled }> {
  const item: OutboxItem = {
    clientId: input.clientId ?? uuid(), conversationId: input.conversationId, text: input.text, createdAt: Date.now(), status: 'pending', attempts: 0,
    ...(input.kind && input.kind !== 'message' ? { kind: input.kind } : {}),
    ...(input.transfer ? { transfer: input.transfer } : {}),
    ...(input.attachments?.length
      ? { attachments: input.attachments.map((a) => ({ localId: uuid(), name: a.name, type: a.blob.type, size: a.blob.size, blob: a.blob, recorded: a.recorded === true })) }
      : {}),
  }
  try {
    const result = await sendLater(item, { uploaded: async () => undefined, progress: (f) => setProgress(item.clientId, f) })
    onSentHook?.(item, result)
    return { item, settled: { outcome: 'sent', result } }
  } catch (e) {
    if (isNetworkError(e) || !isApiError(e)) throw new Error(notSentNotStored(), { cause: e })
    return { item, settled: { outcome: 'failed', error: e.message, status: e.status, code: e.code } }
  } finally {
    setProgress(item.clientId, null)
  }
}

/** Stores through the outbox; when storage is unavailable, sends at once instead. */
async function store<T>(input: EnqueueInput, viaOutbox: (o: Outbox) => Promise<T>, direct: (r: { item: OutboxItem; settled: Settled }) => T): Promise<T> {
  try {
    return await viaOutbox(need())
  } catch (e) {
    if (!isStorageUnavailable(e)) storageError(e)
    return direct(await sendWithoutStorage(input))
  }
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
    /**
     * Stores the item, then it goes out in order. Without storage (IndexedDB blocked or hanging) it
     * is sent at once; rejects (message fit for the user) when it could be neither stored nor sent.
     */
    enqueue: (input: EnqueueInput) =>
      store(input, (o) => o.enqueue(input), (r) => {
        if (r.settled.outcome === 'failed') throw new Error(r.settled.error)
        return r.item
      }),
    /** Enqueues and waits for the first attempt: sent, refused, or queued for later. */
    submit: (input: EnqueueInput) => store(input, (o) => o.submit(input), (r) => r),
    retry: (clientId: string) => need().retry(clientId),
    discard: (clientId: string) => need().discard(clientId),
    flush: () => instance?.flush() ?? Promise.resolve(),
    resume: () => instance?.resume() ?? Promise.resolve(),
  }
}
