import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Message } from '@/shared/api/types'
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

  function forConversation(conversationId: string): Message[] {
    return byConversation.value[conversationId] ?? []
  }

  /** Adds or replaces by id / clientId. True when the message was not known before. */
  function upsert(m: Message): boolean {
    if (!byConversation.value[m.conversationId]) byConversation.value[m.conversationId] = []
    const list = byConversation.value[m.conversationId]!
    const i = list.findIndex((x) => x.id === m.id || x.clientId === m.clientId)
    if (i >= 0) {
      list[i] = m
      return false
    }
    const last = list[list.length - 1]
    list.push(m)
    if (last && last.seq > m.seq) sortBySeq(list)
    return true
  }

  async function fetch(conversationId: string) {
    const messages = await api.listMessages(conversationId, { limit: PAGE })
    for (const m of messages) upsert(m)
    // The latest page: older ones remain unless it reached back to the first message.
    const first = messages[0]?.seq
    if (first === undefined || first <= 1) hasOlder.value[conversationId] = false
    else if (!loaded.value[conversationId]) hasOlder.value[conversationId] = messages.length >= PAGE
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
      for (const m of messages) upsert(m)
      hasOlder.value[conversationId] = messages.length >= PAGE && (messages[0]?.seq ?? 1) > 1
      return messages.length
    } finally {
      loadingOlder.value[conversationId] = false
    }
  }

  function lastSeq(conversationId: string): number {
    return forConversation(conversationId).at(-1)?.seq ?? 0
  }

  function reset() {
    byConversation.value = {}
    loaded.value = {}
    hasOlder.value = {}
    loadingOlder.value = {}
  }

  return { byConversation, loaded, hasOlder, loadingOlder, forConversation, upsert, fetch, fetchOlder, lastSeq, reset }
})
