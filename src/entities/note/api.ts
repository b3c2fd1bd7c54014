import { apiJson } from '@/kernel/http/client'
import type { Note } from '@/kernel/contract'

const base = (conversationId: string) => `conversations/${encodeURIComponent(conversationId)}/notes`

/** The conversation's internal notes, newest first. */
export async function listNotes(conversationId: string): Promise<Note[]> {
  return (await apiJson<{ notes: Note[] }>('GET', base(conversationId))).notes
}
