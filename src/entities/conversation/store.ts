import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Conversation, Message, TypedServerEvent } from '@/kernel/contract'
import { localCache } from '@/kernel/db/cache'
import { writeBehind } from '@/kernel/db/writeBehind'
import { noteRequestError, reportNetworkSuccess } from '@/kernel/network'
import { useMessageStore } from '@/entities/message/store'
import { useSessionStore } from '@/entities/user/store'
import * as api from './api'
import { DEFAULT_SORT, isAgentConversation, isConversationSort, isOfferedTo, sortConversations, viewOf, type ConversationSort, type ListView } from './types'

const TYPING_MS = 4000
const SORT_KEY = 'parley.conversations.sort'

function readSort(): ConversationSort {
  try {
    const v = globalThis.localStorage?.getItem(SORT_KEY)
    return isConversationSort(v) ? v : DEFAULT_SORT
  } catch {
    return DEFAULT_SORT
  }
}

function writeSort(sort: ConversationSort) {
  try {
    globalThis.localStorage?.setItem(SORT_KEY, sort)
  } catch {
    // storage unavailable (private mode): the choice lasts for this visit
  }
}

/** Every conversation the agent knows about; the three lists are views of it. */
export const useConversationStore = defineStore('conversations', () => {
  const session = useSessionStore()
  const messages = useMessageStore()
  const byId = ref<Record<string, Conversation>>({})
  const loaded = ref<Record<ListView, boolean>>({ conversations: false, picklist: false, history: false })
  const loading = ref<Record<ListView, boolean>>({ conversations: false, picklist: false, history: false })
  /** The conversation on screen: its customer messages are not unread. */
  const openId = ref<string | null>(null)
  /** conversationId -> until when the customer is shown as typing. */
  const typingUntil = ref<Record<string, number>>({})
  const me = computed(() => session.user?.id ?? null)
  /** How the Conversations list is sorted (remembered on this device). */
  const sortBy = ref<ConversationSort>(readSort())
  /** The highest message seq seen per conversation on this device (to judge `read.updated`). */
  const lastSeqById = ref<Record<string, number>>({})
  /** Up to which seq I have read each conversation on this device (this visit). */
  const readUpTo = ref<Record<string, number>>({})
  /** The read markers this store has sent to the server. */
  const readPosted: Record<string, number> = {}
  /** Reading the offline copy (once per sign-in); resolves with whether it held anything. */
  let hydration: Promise<boolean> | null = null

  function knownLastSeq(id: string): number {
    return Math.max(lastSeqById.value[id] ?? 0, messages.lastSeq(id))
  }

  /** Everything known here has been read on this device (a server count may be older than that). */
  function readAllKnown(id: string): boolean {
    const known = knownLastSeq(id)
    return known > 0 && (readUpTo.value[id] ?? 0) >= known
  }

  const all = computed(() => Object.values(byId.value))
  const byView = (view: ListView) => all.value.filter((c) => viewOf(c, me.value) === view)
  const conversations = computed(() => sortConversations(byView('conversations'), sortBy.value, me.value))
  /** Offers waiting for my Accept / Reject. */
  const offers = computed(() => conversations.value.filter((c) => isOfferedTo(c, me.value)))
  const picklist = computed(() => byView('picklist').sort((a, b) => a.arrivedAt - b.arrivedAt))
  const history = computed(() => byView('history').sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0)))
  const lists = { conversations, picklist, history }
  const totalUnread = computed(() => conversations.value.reduce((n, c) => n + (isOfferedTo(c, me.value) ? 0 : c.unread), 0))

  function setSort(sort: ConversationSort) {
    sortBy.value = sort
    writeSort(sort)
  }

  function list(view: ListView) {
    return lists[view].value
  }

  /**
   * The offline copy: what the server says later wins (only unknown conversations are added).
   * Resolves whether it held anything; never rejects, and waits at most for the bounded IndexedDB open.
   */
  function hydrate(): Promise<boolean> {
    hydration ??= localCache.conversations().then((rows) => {
      for (const c of rows) if (!byId.value[c.id]) byId.value[c.id] = c
      return rows.length > 0
    })
    return hydration
  }

  /**
   * Write through to the offline copy: what the agent can see is kept, the rest forgotten. The
   * changes of one task (a batch of sent messages), and those made while that write was in flight
   * (a burst of socket frames), go in one write, as they are when it starts (writeBehind).
   */
  let unpersisted = new Set<string>()
  const schedulePersist = writeBehind(() => {
    const ids = unpersisted
    unpersisted = new Set()
    const keep: Conversation[] = []
    const writes: Promise<void>[] = []
    for (const id of ids) {
      const c = byId.value[id]
      if (c && viewOf(c, me.value) !== null) keep.push(c)
      else if (!c || c.id !== openId.value) writes.push(localCache.forgetConversation(id))
    }
    return Promise.all([...writes, localCache.putConversations(keep)])
  })
  function persist(id: string) {
    unpersisted.add(id)
    schedulePersist()
  }

  /** From the server's answer (its `unread` is the starting value). */
  function setFromServer(c: Conversation) {
    byId.value[c.id] = { ...c, unread: c.id === openId.value || readAllKnown(c.id) ? 0 : c.unread }
    persist(c.id)
  }

  /**
   * Which event last changed each conversation (a counter, not a time): a list answer that left
   * the server before that event is older than what the event brought, and must not undo it.
   */
  let eventCount = 0
  const touchedAt = new Map<string, number>()

  /**
   * From a socket event: events carry unread 0, so the count kept here survives. Answers true when
   * the conversation was not known here (its unread count is then unknown: ask the server).
   */
  function upsertFromEvent(c: Conversation): boolean {
    touchedAt.set(c.id, ++eventCount)
    const known = byId.value[c.id]
    byId.value[c.id] = { ...c, unread: known && c.id !== openId.value ? known.unread : 0 }
    persist(c.id)
    return !known
  }

  /**
   * The list from the server. Offline, the offline copy stands in: this resolves when there is one
   * (the offline banner says why it may be old) and rejects only when there is nothing to show.
   */
  async function fetchList(view: ListView) {
    loading.value[view] = true
    try {
      const hadCache = await hydrate()
      let rows: Conversation[]
      const asked = eventCount
      const changedSince = (id: string) => (touchedAt.get(id) ?? 0) > asked
      let partial = false
      try {
        if (view === 'history') {
          const page = await api.listHistoryPage()
          rows = page.conversations
          historyCursor.value = page.nextCursor
          partial = page.nextCursor !== null
        } else rows = await api.listConversations(view)
        reportNetworkSuccess()
      } catch (e) {
        // Offline: the saved copy stands in if there is one (even an empty list, once saved).
        if (noteRequestError(e) && (hadCache || (await localCache.listSavedAt(view)) !== undefined)) {
          loaded.value[view] = true
          return
        }
        throw e
      }
      const seen = new Set(rows.map((c) => c.id))
      // History's first page covers only the chats ended since its oldest row.
      const oldest = partial ? Math.min(...rows.map((c) => c.endedAt ?? Infinity)) : -Infinity
      const covered = (c: Conversation) => !partial || (c.endedAt ?? 0) >= oldest
      // Drop what the server no longer lists here (it moved on while we weren't looking).
      for (const c of byView(view)) if (covered(c) && !seen.has(c.id) && c.id !== openId.value && !changedSince(c.id)) delete byId.value[c.id]
      for (const c of rows) {
        if (!changedSince(c.id)) byId.value[c.id] = { ...c, unread: c.id === openId.value || readAllKnown(c.id) ? 0 : c.unread }
      }
      const mine = me.value
      const kept = partial ? byView(view) : rows.map((c) => byId.value[c.id]!)
      void localCache.syncList(view, kept, (c) => viewOf(c, mine) === view)
      loaded.value[view] = true
    } finally {
      loading.value[view] = false
    }
  }

  /** Where the next History page starts (null: all loaded, or not asked yet). */
  const historyCursor = ref<string | null>(null)
  const loadingMore = ref(false)

  /** The next History page (as the agent scrolls); does nothing without a cursor or while loading. */
  async function fetchMoreHistory(): Promise<void> {
    const cursor = historyCursor.value
    if (!cursor || loadingMore.value) return
    loadingMore.value = true
    try {
      const page = await api.listHistoryPage(cursor)
      for (const c of page.conversations) {
        if (byId.value[c.id]) continue
        byId.value[c.id] = { ...c, unread: 0 }
        persist(c.id)
      }
      historyCursor.value = page.nextCursor
    } catch (e) {
      noteRequestError(e)
      throw e
    } finally {
      loadingMore.value = false
    }
  }

  /** Refetch every list that has been shown (after a reconnect). */
  async function refreshLoaded() {
    const views = (Object.keys(loaded.value) as ListView[]).filter((v) => loaded.value[v])
    await Promise.allSettled(views.map((v) => fetchList(v)))
  }

  /** Every list, shown or not (a start, or local data that had to be reloaded): ready for offline. */
  async function refreshAll() {
    const views = (Object.keys(loaded.value) as ListView[]).filter((v) => !loading.value[v])
    await Promise.allSettled(views.map((v) => fetchList(v)))
  }

  /** One conversation from the server; offline, the offline copy (rejects when there is none). */
  async function fetchOne(id: string): Promise<Conversation> {
    let c: Conversation
    try {
      c = await api.getConversation(id)
      reportNetworkSuccess()
    } catch (e) {
      if (!noteRequestError(e)) throw e
      await hydrate()
      const cached = byId.value[id] ?? (await localCache.conversation(id))
      if (!cached) throw e
      if (!byId.value[id]) byId.value[id] = cached
      return byId.value[id]!
    }
    setFromServer(c)
    return byId.value[id]!
  }

  /** A new message in a conversation: preview, time, and unread for customer messages not on screen. */
  function noteMessage(m: Message) {
    const c = byId.value[m.conversationId]
    if (!c) return
    if (m.seq > (lastSeqById.value[m.conversationId] ?? 0)) lastSeqById.value[m.conversationId] = m.seq
    const newer = !c.lastMessage || m.createdAt >= c.lastMessage.createdAt
    byId.value[m.conversationId] = {
      ...c,
      lastMessage: newer ? { text: m.text, authorKind: m.authorKind, createdAt: m.createdAt } : c.lastMessage,
      lastMessageAt: newer ? m.createdAt : c.lastMessageAt,
      unread: m.authorKind === 'customer' && m.conversationId !== openId.value ? c.unread + 1 : c.unread,
    }
    persist(m.conversationId)
    if (m.authorKind === 'customer') delete typingUntil.value[m.conversationId]
  }

  function clearUnread(id: string) {
    const seq = knownLastSeq(id)
    if (seq > (readUpTo.value[id] ?? 0)) readUpTo.value[id] = seq
    const c = byId.value[id]
    if (c && c.unread) {
      byId.value[id] = { ...c, unread: 0 }
      persist(id)
    }
  }

  /**
   * The read marker's one sender: tell the server I have seen everything known of a conversation
   * (on screen and visible, or leaving it). Sent only when it moved past what was sent.
   */
  function flushRead(id: string) {
    const seq = knownLastSeq(id)
    if (seq <= 0 || seq <= (readPosted[id] ?? 0)) return
    clearUnread(id)
    readPosted[id] = seq
    api.markRead(id, seq).catch(() => {
      if ((readPosted[id] ?? 0) === seq) delete readPosted[id]
    })
  }

  /**
   * I read up to `lastReadSeq` (on this or another device). Everything known here is read: clear.
   * Otherwise (or when nothing is known) the server's count is the truth: answers true to ask it.
   */
  function applyRead(id: string, lastReadSeq: number, knownLastSeq = 0): boolean {
    const c = byId.value[id]
    if (!c) return false
    const known = Math.max(knownLastSeq, lastSeqById.value[id] ?? 0)
    if (known > 0 && lastReadSeq >= known) {
      clearUnread(id)
      return false
    }
    if (c.unread === 0) return false
    return true
  }

  function setOpen(id: string | null) {
    const before = openId.value
    // Leaving a conversation that was on screen: what it showed has been seen.
    if (before && before !== id && (typeof document === 'undefined' || document.visibilityState === 'visible')) flushRead(before)
    openId.value = id
    if (id) clearUnread(id)
  }

  function remove(id: string) {
    delete byId.value[id]
    void localCache.forgetConversation(id)
  }

  async function pick(id: string): Promise<Conversation> {
    const c = await api.pickConversation(id)
    setFromServer(c)
    return c
  }

  /** Accept an offer made to me. */
  async function accept(id: string): Promise<Conversation> {
    const c = await api.acceptConversation(id)
    setFromServer(c)
    return c
  }

  /** Reject an offer: it leaves my list at once (the server offers it to the next agent). */
  async function reject(id: string): Promise<void> {
    await api.rejectConversation(id)
    const c = byId.value[id]
    if (c && isOfferedTo(c, me.value)) remove(id)
  }

  function setTyping(conversationId: string) {
    typingUntil.value[conversationId] = Date.now() + TYPING_MS
    setTimeout(() => {
      if ((typingUntil.value[conversationId] ?? 0) <= Date.now()) delete typingUntil.value[conversationId]
    }, TYPING_MS + 50)
  }

  function isTyping(conversationId: string): boolean {
    return (typingUntil.value[conversationId] ?? 0) > Date.now()
  }

  /**
   * The socket's events about conversations (their state, my read marker, the customer's receipts).
   * A conversation not known here that I may see is fetched: only the server knows its unread count.
   */
  function applyEvent(event: TypedServerEvent) {
    switch (event.type) {
      case 'conversation.created':
      case 'conversation.updated': {
        const c = event.data.conversation
        if (!isAgentConversation(c)) return
        const unknown = upsertFromEvent(c)
        if (unknown && c.state !== 'queued' && viewOf(c, me.value) !== null) void fetchOne(c.id).catch(() => undefined)
        return
      }
      case 'read.updated':
        // Read on another device: clear what is known to be read, else ask the server for the count.
        if (event.data.userId === me.value && applyRead(event.conversationId, event.data.lastReadSeq, messages.lastSeq(event.conversationId))) {
          void fetchOne(event.conversationId).catch(() => undefined)
        }
        return
      case 'receipts.updated': {
        const c = byId.value[event.conversationId]
        if (c) byId.value[event.conversationId] = { ...c, customerDeliveredSeq: event.data.deliveredSeq, customerReadSeq: event.data.readSeq }
        return
      }
      default:
        return
    }
  }

  // A message new here (socket or outbox) moves its conversation's preview and unread count.
  messages.onAdded(noteMessage)

  function reset() {
    byId.value = {}
    loaded.value = { conversations: false, picklist: false, history: false }
    openId.value = null
    typingUntil.value = {}
    lastSeqById.value = {}
    readUpTo.value = {}
    touchedAt.clear()
    for (const k of Object.keys(readPosted)) delete readPosted[k]
    hydration = null
  }

  return {
    byId, loaded, loading, openId, typingUntil, sortBy, conversations, offers, picklist, history, totalUnread,
    historyCursor, loadingMore, fetchMoreHistory,
    list, hydrate, setSort, setFromServer, upsertFromEvent, fetchList, refreshLoaded, refreshAll, fetchOne, noteMessage, clearUnread,
    applyRead, flushRead, applyEvent, setOpen, remove, pick, accept, reject, setTyping, isTyping, reset,
  }
})
