import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Message } from '@/shared/api/types'
import * as api from './api'
import { sortBySeq } from './types'

/** Server-acknowledged messages per conversation, unique by id and by clientId. */
export const useMessageStore = defineStore('messages', () => {
  const byConversation = ref<Record<string, Message[]>>({})
  const loaded = ref<Record<string, boolean>>({})

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
    const messages = await api.listMessages(conversationId)
    for (const m of messages) upsert(m)
    loaded.value[conversationId] = true
  }

  function lastSeq(conversationId: string): number {
    return forConversation(conversationId).at(-1)?.seq ?? 0
  }

  function reset() {
    byConversation.value = {}
    loaded.value = {}
  }

  return { byConversation, loaded, forConversation, upsert, fetch, lastSeq, reset }
})
