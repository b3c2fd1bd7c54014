import { defineStore } from 'pinia'
import { ref, toRaw } from 'vue'
import type { Message, TypedServerEvent } from '@/kernel/contract'
import { localCache } from '@/kernel/db/cache'
import { writeBehind } from '@/kernel/db/writeBehind'
import { noteRequestError, reportNetworkSuccess } from '@/kernel/network'
import * as api from './api'
import { sortBySeq } from './types'

const PAGE = 100

/** Server-acknowledged messages per conversation, unique by id and by clientId. */
export const useMessageStore = defineStore('messages', () => {
  const byConversation = ref<Record<string, Message[]>>({})
  const loaded = ref<Record<string, boolean>>({})
  /** Whether the server may have messages before the first one we hold. */
  const hasOlder = ref<Record<string, boolean>>({})
  const loadingOlder = ref<Record<string, boolean>>({})
  /** Reading each conversation's offline copy, once. */
  let hydrated: Record<string, Promise<void>> = {}

  function forConversation(conversationId: string): Message[] {
    return byConversation.value[conversationId] ?? []
  }

  /** Who wants to hear of a message new here (the conversation store: preview, unread). */
  const addedListeners = new Set<(m: Message) => void>()

  /** Calls `listener` with each message upsert() adds (from the socket or the outbox); answers the unsubscribe. */
  function onAdded(listener: (m: Message) => void): () => void {
    addedListeners.add(listener)
    return () => addedListeners.delete(listener)
  }

  /**
   * Adds or replaces by id / clientId, and keeps it for offline reading. True when it was not known
   * before (then the onAdded listeners hear of it).
   */
  function upsert(m: Message): boolean {
    const added = merge(m)
    keepOffline(m)
    if (added) for (const l of addedListeners) l(m)
    return added
  }

  /**
   * Messages to write to the offline copy, per conversation: the upserts of one task (a batch the
   * outbox sent), and those made while that write was in flight (a burst of socket frames, one
   * task each), go in one IndexedDB transaction per conversation (writeBehind).
   */
  let unwritten = new Map<string, Message[]>()
  const scheduleWrite = writeBehind(() => {
    const all = unwritten
    unwritten = new Map()
    return Promise.all([...all].map(([conversationId, list]) => localCache.putMessages(conversationId, list)))
  })
  function keepOffline(m: Message) {
    const list = unwritten.get(m.conversationId)
    if (list) list.push(m)
    else unwritten.set(m.conversationId, [m])
    scheduleWrite()
  }

  /** The socket's events about messages. */
  function applyEvent(event: TypedServerEvent) {
    if (event.type === 'message.created') upsert(event.data.message)
  }

  function merge(m: Message): boolean {
    if (!byConversation.value[m.conversationId]) byConversation.value[m.conversationId] = []
    const list = byConversation.value[m.conversationId]!
    // Searched raw (no reactive reads per row) and from the end, where a message new on this device
    // or its second copy (the outbox's answer, then the socket's event) usually is: a thread of
    // thousands costs a scan of plain objects per upsert, not one tracked read per row.
    const raw = toRaw(list)
    let i = raw.length - 1
    while (i >= 0 && raw[i]!.id !== m.id && raw[i]!.clientId !== m.clientId) i--
    if (i >= 0) {
      list[i] = m
      return false
    }
    const last = list[list.length - 1]
    list.push(m)
    if (last && last.seq > m.seq) sortBySeq(list)
    return true
  }

  /** The offline copy of a conversation's latest messages (what is already held wins); never rejects. */
  function hydrate(conversationId: string): Promise<void> {
    hydrated[conversationId] ??= localCache.messages(conversationId).then((rows) => {
      for (const m of rows) if (!forConversation(conversationId).some((x) => x.id === m.id || x.clientId === m.clientId)) merge(m)
      const first = forConversation(conversationId)[0]?.seq
      if (first !== undefined && hasOlder.value[conversationId] === undefined) hasOlder.value[conversationId] = first > 1
    })
    return hydrated[conversationId]
  }

  /**
   * The latest page from the server (after the offline copy). Offline with messages held, it
   * resolves with what is held; it rejects when there is nothing to show.
   */
  async function fetch(conversationId: string) {
    await hydrate(conversationId)
    let messages: Message[]
    try {
      messages = await api.listMessages(conversationId, { limit: PAGE })
      reportNetworkSuccess()
    } catch (e) {
      if (noteRequestError(e) && forConversation(conversationId).length) return
      throw e
    }
    const first = messages[0]?.seq
    const held = forConversation(conversationId)
    // What is held ends before the latest page starts (a long time away): keep the thread
    // contiguous, the older ones load again on demand.
    const gap = first !== undefined && held.length > 0 && held.at(-1)!.seq < first - 1
    if (gap) byConversation.value[conversationId] = held.filter((m) => m.seq >= first)
    for (const m of messages) merge(m)
    void localCache.putMessages(conversationId, messages, { replace: gap })
    // The latest page: older ones remain unless it reached back to the first message.
    const heldFirst = forConversation(conversationId)[0]?.seq
    if (heldFirst === undefined || heldFirst <= 1) hasOlder.value[conversationId] = false
    else if (!loaded.value[conversationId] || gap) hasOlder.value[conversationId] = messages.length >= PAGE || heldFirst < (first ?? 0)
    loaded.value[conversationId] = true
  }

  /** The page before the first message held. Resolves with how many came. */
  async function fetchOlder(conversationId: string): Promise<number> {
    if (loadingOlder.value[conversationId] || hasOlder.value[conversationId] === false) return 0
    const first = forConversation(conversationId)[0]?.seq
    if (first === undefined) return 0
    loadingOlder.value[conversationId] = true
    try {
      const messages = await api.listMessages(conversationId, { beforeSeq: first, limit: PAGE })
      for (const m of messages) merge(m)
      void localCache.putMessages(conversationId, messages)
      hasOlder.value[conversationId] = messages.length >= PAGE && (messages[0]?.seq ?? 1) > 1
      return messages.length
    } finally {
      loadingOlder.value[conversationId] = false
    }
  }

  /**
   * Loads older pages until the message `seq` is held (a search result deep in the thread), in
   * pages of up to 200, at most 20 of them. Resolves with whether it is held.
   */
  async function fetchUntil(conversationId: string, seq: number): Promise<boolean> {
    for (let i = 0; i < 20; i++) {
      const first = forConversation(conversationId)[0]?.seq
      if (first === undefined) return false
      if (first <= seq) return true
      if (hasOlder.value[conversationId] === false) return false
      const messages = await api.listMessages(conversationId, { beforeSeq: first, limit: Math.min(200, first - seq + 10) })
      for (const m of messages) merge(m)
      void localCache.putMessages(conversationId, messages)
      hasOlder.value[conversationId] = (messages[0]?.seq ?? 1) > 1 && messages.length > 0
    }
    return (forConversation(conversationId)[0]?.seq ?? Infinity) <= seq
  }

  function lastSeq(conversationId: string): number {
    return forConversation(conversationId).at(-1)?.seq ?? 0
  }

  function reset() {
    unwritten = new Map()
    byConversation.value = {}
    loaded.value = {}
    hasOlder.value = {}
    loadingOlder.value = {}
    hydrated = {}
  }

  return { byConversation, loaded, hasOlder, loadingOlder, forConversation, hydrate, upsert, onAdded, applyEvent, fetch, fetchOlder, fetchUntil, lastSeq, reset }
})
