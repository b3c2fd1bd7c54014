import { dayLabel, formatDate } from '@/shared/i18n/format'
import { i18n } from '@/shared/i18n'
import type { Conversation } from '@/kernel/contract'
import type { ThreadItem } from '@/shared/utils/thread'

export type { ThreadAttachment } from '@/shared/utils/thread'

/** A message as the thread shows it: stored, or one of ours still on its way (from the outbox). One shape for both pages. */
export type ThreadMessage = ThreadItem

/** What an agent message shows under it. */
export type MessageState = 'sending' | 'failed' | 'sent' | 'delivered' | 'read'

/** The state's words under a message ("Sent", "Read"…) in the interface language. */
export const stateLabel = (state: MessageState): string => i18n.global.t(`chat.messageState.${state}`)

type Receipts = Pick<Conversation, 'customerDeliveredSeq' | 'customerReadSeq'>

/** Sending (in the outbox), Not sent, Sent, Delivered (the customer's device has it), Read. Null for others' messages. */
export function messageState(m: ThreadMessage, receipts: Receipts | null): MessageState | null {
  if (m.status === null) return null
  if (m.status === 'failed') return 'failed'
  if (m.status === 'sending' || m.seq === null) return 'sending'
  if (receipts && receipts.customerReadSeq >= m.seq) return 'read'
  if (receipts && receipts.customerDeliveredSeq >= m.seq) return 'delivered'
  return 'sent'
}

export type ThreadRow =
  | { kind: 'date'; key: string; label: string; day: string }
  | { kind: 'event'; key: string; message: ThreadMessage }
  | {
      kind: 'message'
      key: string
      message: ThreadMessage
      /** The first of a group of consecutive messages by the same author: shows name and time. */
      groupStart: boolean
      /** The last of its group (the bubble's tail). */
      groupEnd: boolean
    }

/** Messages further apart than this start a new group even from the same author. */
export const GROUP_GAP_MS = 5 * 60_000

function dayKey(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`
}

/** "Today", "Yesterday", or the date ("12 Nov 2026"), in the interface language (see shared/i18n/format). */
export { dayLabel, formatDate }

function sameAuthor(a: ThreadMessage, b: ThreadMessage): boolean {
  return a.authorKind === b.authorKind && (a.authorName ?? '') === (b.authorName ?? '')
}

/**
 * The rows of one conversation's thread: a date separator whenever the day changes, system
 * messages as centred events, and consecutive messages by the same author (same day, less than
 * GROUP_GAP_MS apart) grouped.
 */
export function buildThreadRows(messages: ThreadMessage[], now = Date.now(), keyPrefix = ''): ThreadRow[] {
  const rows: ThreadRow[] = []
  let day = ''
  let prev: ThreadMessage | null = null
  let prevRow: Extract<ThreadRow, { kind: 'message' }> | null = null
  for (const m of messages) {
    const d = dayKey(m.createdAt)
    if (d !== day) {
      day = d
      rows.push({ kind: 'date', key: `${keyPrefix}date:${d}`, label: dayLabel(m.createdAt, now), day: d })
      prev = null
      prevRow = null
    }
    if (m.authorKind === 'system') {
      rows.push({ kind: 'event', key: keyPrefix + m.key, message: m })
      prev = null
      if (prevRow) prevRow.groupEnd = true
      prevRow = null
      continue
    }
    const continues = prev !== null && sameAuthor(prev, m) && m.createdAt - prev.createdAt < GROUP_GAP_MS
    if (!continues && prevRow) prevRow.groupEnd = true
    const row = { kind: 'message' as const, key: keyPrefix + m.key, message: m, groupStart: !continues, groupEnd: true }
    if (continues && prevRow) prevRow.groupEnd = false
    rows.push(row)
    prev = m
    prevRow = row
  }
  return rows
}
