import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Note, TypedServerEvent } from '@/kernel/contract'
import { localCache } from '@/kernel/db/cache'
import { noteRequestError, reportNetworkSuccess } from '@/kernel/network'
import * as api from './api'
import { sortNewestFirst } from './types'

/** Internal notes per conversation (agents only; never shown to customers). */
export const useNoteStore = defineStore('notes', () => {
  const byConversation = ref<Record<string, Note[]>>({})

  function forConversation(conversationId: string): Note[] {
    return byConversation.value[conversationId] ?? []
  }

  /** Adds or replaces a note (from the server's answer or a `note.created` event). Idempotent. */
  function apply(note: Note) {
    merge(note)
    void localCache.putNotes(note.conversationId, [note])
  }

  function merge(note: Note) {
    const list = (byConversation.value[note.conversationId] ??= [])
    const i = list.findIndex((n) => n.id === note.id)
    if (i >= 0) list[i] = note
    else {
      list.push(note)
      sortNewestFirst(list)
    }
  }

  /** The notes from the server; offline, the offline copy (rejects when it holds none). */
  async function fetch(conversationId: string) {
    let notes: Note[]
    try {
      notes = await api.listNotes(conversationId)
      reportNetworkSuccess()
    } catch (e) {
      if (!noteRequestError(e)) throw e
      const cached = await localCache.notes(conversationId)
      if (!cached.length && !forConversation(conversationId).length) throw e
      for (const n of cached) if (!forConversation(conversationId).some((x) => x.id === n.id)) merge(n)
      return
    }
    byConversation.value[conversationId] = sortNewestFirst([...notes])
    void localCache.putNotes(conversationId, notes, { replace: true })
  }

  function reset() {
    byConversation.value = {}
  }

  /** The socket's events about notes. */
  function applyEvent(event: TypedServerEvent) {
    if (event.type === 'note.created') apply(event.data.note)
  }

  return { byConversation, forConversation, apply, applyEvent, fetch, reset }
})
