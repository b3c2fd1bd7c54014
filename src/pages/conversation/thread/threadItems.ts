import { i18n } from '@/shared/i18n'
import type { Message } from '@/kernel/contract'
import { mergeThread } from '@/shared/utils/thread'
import { buildThreadRows, formatDate, type ThreadMessage, type ThreadRow } from '@/entities/message/thread'
import type { PreviousConversation } from '../usePreviousConversations'

/**
 * One row of the virtualized thread. The whole thread is one flat list so that only the rows on
 * screen are mounted: the "Load previous conversations" controls, each earlier conversation (its
 * divider and rows), the "This conversation" separator, and this conversation's rows.
 */
export type ThreadItem =
  | { kind: 'top'; key: string }
  | { kind: 'previous'; key: string; label: string }
  | { kind: 'none'; key: string }
  | { kind: 'current'; key: string; label: string }
  | { kind: 'row'; key: string; row: ThreadRow; previous: boolean }
  | { kind: 'empty'; key: string }

/** An earlier conversation's messages as thread messages (no states are shown for them). */
export function toThread(messages: Message[]): ThreadMessage[] {
  return mergeThread(messages, [], 'agent')
}

export function previousLabel(s: PreviousConversation): string {
  return i18n.global.t('chat.previous.label', { date: formatDate(s.conversation.arrivedAt), queue: s.conversation.queue.name })
}

export interface ThreadItemsInput {
  sections: PreviousConversation[]
  messages: ThreadMessage[]
  /** The "This conversation · …" separator (shown only below earlier conversations). */
  currentLabel: string
  /** Whether the controls at the top (load button, loading, error, "No previous conversations") show. */
  showTop: boolean
  now?: number
}

export function buildThreadItems({ sections, messages, currentLabel, showTop, now = Date.now() }: ThreadItemsInput): ThreadItem[] {
  const items: ThreadItem[] = []
  if (showTop) items.push({ kind: 'top', key: 'top' })
  for (const s of sections) {
    const id = s.conversation.id
    items.push({ kind: 'previous', key: `previous:${id}`, label: previousLabel(s) })
    for (const row of buildThreadRows(toThread(s.messages), now, `${id}:`)) items.push({ kind: 'row', key: row.key, row, previous: true })
    if (s.messages.length === 0) items.push({ kind: 'none', key: `none:${id}` })
  }
  if (sections.length) items.push({ kind: 'current', key: 'current', label: currentLabel })
  for (const row of buildThreadRows(messages, now)) items.push({ kind: 'row', key: row.key, row, previous: false })
  if (messages.length === 0) items.push({ kind: 'empty', key: 'empty' })
  return items
}

/** A first guess of a row's height before it is measured (px); closer guesses mean less correction. */
export function estimateItemSize(item: ThreadItem): number {
  switch (item.kind) {
    case 'top':
      return 60
    case 'previous':
    case 'current':
      return 44
    case 'none':
      return 40
    case 'empty':
      return 72
    case 'row': {
      const r = item.row
      if (r.kind === 'date') return 38
      if (r.kind === 'event') return 44
      // About 30 characters a line on a phone, 20 px a line, plus the padding and the head.
      const lines = Math.max(1, Math.ceil(r.message.text.length / 30))
      const files = (r.message.attachments?.length ?? 0) * 160
      return 22 + lines * 20 + (r.groupStart ? 26 : 0) + (r.groupEnd && r.message.status ? 16 : 0) + files
    }
  }
}
