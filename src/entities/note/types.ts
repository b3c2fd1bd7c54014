import type { Note } from '@/shared/api/types'

export type { Note } from '@/shared/api/types'

/** Newest first (by time, then id for a stable order). */
export function sortNewestFirst(list: Note[]): Note[] {
  return list.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
}
