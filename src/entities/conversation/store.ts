import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Conversation, Message } from '@/shared/api/types'
import { useSessionStore } from '@/entities/user/store'
import * as api from './api'
import { lastActivity, viewOf, type ListView } from './types'

const TYPING_MS = 4000

/** Every conversation the agent knows about; the three lists are views of it. */
export const useConversationStore = defineStore('conversations', () => {
  const session = useSessionStore()
  const byId = ref<Record<string, Conversation>>({})
  const loaded = ref<Record<ListView, boolean>>({ conversations: false, picklist: false, history: false })
  const loading = ref<Record<ListView, boolean>>({ conversations: false, picklist: false, history: false })
  /** The conversation on screen: its customer messages are not unread. */
  const openId = ref<string | null>(null)
  /** conversationId -> until when the customer is shown as typing. */
  const typingUntil = ref<Record<string, number>>({})
  const me = computed(() => session.user?.id ?? null)

  const all = computed(() => Object.values(byId.value))
  const byView = (view: ListView) => all.value.filter((c) => viewOf(c, me.value) === view)
  const conversations = computed(() => byView('conversations').sort((a, b) => lastActivity(b) - lastActivity(a)))
  const picklist = computed(() => byView('picklist').sort((a, b) => a.arrivedAt - b.arrivedAt))
  const history = computed(() => byView('history').sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0)))
  const lists = { conversations, picklist, history }
  const totalUnread = computed(() => conversations.value.reduce((n, c) => n + c.unread, 0))

  function list(view: ListView) {
    return lists[view].value
  }

  /** From the server's answer (its `unread` is the starting value). */
  function setFromServer(c: Conversation) {
    byId.value[c.id] = { ...c, unread: c.id === openId.value ? 0 : c.unread }
  }

  /** From a socket event: events carry unread 0, so the count kept here survives. */
  function upsertFromEvent(c: Conversation) {
    const known = byId.value[c.id]
    byId.value[c.id] = { ...c, unread: known && c.id !== openId.value ? known.unread : 0 }
  }

  async function fetchList(view: ListView) {
    loading.value[view] = true
    try {
      const rows = await api.listConversations(view)
      const seen = new Set(rows.map((c) => c.id))
      // Drop what the server no longer lists here (it moved on while we weren't looking).
      for (const c of byView(view)) if (!seen.has(c.id) && c.id !== openId.value) delete byId.value[c.id]
      for (const c of rows) setFromServer(c)
      loaded.value[view] = true
    } finally {
      loading.value[view] = false
    }
  }

  /** Refetch every list that has been shown (after a reconnect). */
  async function refreshLoaded() {
    const views = (Object.keys(loaded.value) as ListView[]).filter((v) => loaded.value[v])
    await Promise.allSettled(views.map((v) => fetchList(v)))
  }

  async function fetchOne(id: string): Promise<Conversation> {
    const c = await api.getConversation(id)
    setFromServer(c)
    return byId.value[id]!
  }

  /** A new message in a conversation: preview, time, and unread for customer messages not on screen. */
  function noteMessage(m: Message) {
    const c = byId.value[m.conversationId]
    if (!c) return
    const newer = !c.lastMessage || m.createdAt >= c.lastMessage.createdAt
    byId.value[m.conversationId] = {
      ...c,
      lastMessage: newer ? { text: m.text, authorKind: m.authorKind, createdAt: m.createdAt } : c.lastMessage,
      lastMessageAt: newer ? m.createdAt : c.lastMessageAt,
      unread: m.authorKind === 'customer' && m.conversationId !== openId.value ? c.unread + 1 : c.unread,
    }
    if (m.authorKind === 'customer') delete typingUntil.value[m.conversationId]
  }

  function clearUnread(id: string) {
    const c = byId.value[id]
    if (c && c.unread) byId.value[id] = { ...c, unread: 0 }
  }

  function setOpen(id: string | null) {
    openId.value = id
    if (id) clearUnread(id)
  }

  function remove(id: string) {
    delete byId.value[id]
  }

  async function pick(id: string): Promise<Conversation> {
    const c = await api.pickConversation(id)
    setFromServer(c)
    return c
  }

  async function end(id: string): Promise<Conversation> {
    const c = await api.endConversation(id)
    setFromServer(c)
    return c
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

  function reset() {
    byId.value = {}
    loaded.value = { conversations: false, picklist: false, history: false }
    openId.value = null
    typingUntil.value = {}
  }

  return {
    byId, loaded, loading, openId, typingUntil, conversations, picklist, history, totalUnread,
    list, setFromServer, upsertFromEvent, fetchList, refreshLoaded, fetchOne, noteMessage, clearUnread,
    setOpen, remove, pick, end, setTyping, isTyping, reset,
  }
})
