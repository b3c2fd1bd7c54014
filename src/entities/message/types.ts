import type { Message } from '@/kernel/contract'

export type { Message } from '@/kernel/contract'

export function sortBySeq(list: Message[]): Message[] {
  return list.sort((a, b) => a.seq - b.seq)
}
