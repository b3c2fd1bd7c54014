import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Note } from '@/shared/api/types'
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
    const list = (byConversation.value[note.conversationId] ??= [])
    const i = list.findIndex((n) => n.id === note.id)
    if (i >= 0) list[i] = note
    else {
      list.push(note)
      sortNewestFirst(list)
    }
  }

  async function fetch(conversationId: string) {
    const notes = await api.listNotes(conversationId)
    byConversation.value[conversationId] = sortNewestFirst([...notes])
  }

  async function add(conversationId: string, text: string): Promise<Note> {
    const note = await api.postNote(conversationId, text)
    apply(note)
    return note
  }

  function reset() {
    byConversation.value = {}
  }

  return { byConversation, forConversation, apply, fetch, add, reset }
})
