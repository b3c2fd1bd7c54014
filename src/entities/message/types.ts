import type { Message } from '@/shared/api/types'

export type { Message } from '@/shared/api/types'

export function sortBySeq(list: Message[]): Message[] {
  return list.sort((a, b) => a.seq - b.seq)
}
