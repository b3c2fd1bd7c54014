import type { Note } from '@/kernel/contract'

export type { Note } from '@/kernel/contract'

/** Newest first (by time, then id for a stable order). */
export function sortNewestFirst(list: Note[]): Note[] {
  return list.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
}
