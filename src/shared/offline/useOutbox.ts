import { shallowRef, type ShallowRef } from 'vue'
import { getDb } from '@/shared/db'
import { Outbox, type EnqueueInput, type OutboxItem, type OutboxOptions } from './outbox'

const items: ShallowRef<OutboxItem[]> = shallowRef([])
/** Upload progress of items being sent, 0..1, by clientId (absent: not uploading). */
const progress: ShallowRef<Record<string, number>> = shallowRef({})
let instance: Outbox | null = null
let onlineListener: (() => void) | null = null

/**
 * Creates the app's outbox (once), loads what a previous session left, flushes, and flushes
 * again whenever the browser comes back online.
 */
export function initOutbox(options: Omit<OutboxOptions, 'db'>): Outbox {
  if (instance) return instance
  const outbox = new Outbox({ db: getDb, ...options })
  instance = outbox
  outbox.subscribe((list) => (items.value = list))
  void outbox
    .load()
    .then(() => outbox.flush())
    .catch(() => undefined)
  onlineListener = () => void outbox.flush()
  window.addEventListener('online', onlineListener)
  return outbox
}

export function disposeOutbox(): void {
  if (onlineListener) window.removeEventListener('online', onlineListener)
  onlineListener = null
  instance?.dispose()
  instance = null
}

function need(): Outbox {
  if (!instance) throw new Error('The outbox is not started')
  return instance
}

/** The outbox's items (reactive) and its actions. */
export function useOutbox() {
  return {
    items,
    progress,
    forConversation: (conversationId: string) => items.value.filter((i) => i.conversationId === conversationId),
    enqueue: (input: EnqueueInput) => need().enqueue(input),
    retry: (clientId: string) => need().retry(clientId),
    discard: (clientId: string) => need().discard(clientId),
    flush: () => instance?.flush() ?? Promise.resolve(),
    resume: () => instance?.resume() ?? Promise.resolve(),
  }
}
