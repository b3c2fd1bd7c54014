import type { AuthorKind, Message } from '@/shared/api/types'

/** What a bubble shows: a stored message, or one of ours still on its way. */
export interface ThreadItem {
  key: string
  clientId: string
  seq: number | null
  authorKind: AuthorKind
  authorName: string | null
  text: string
  createdAt: number
  /** Only for the viewer's own messages. */
  status: 'sending' | 'sent' | 'failed' | null
  error?: string
}

export interface PendingMessage {
  clientId: string
  text: string
  createdAt: number
  status: 'pending' | 'failed'
  error?: string
}

/**
 * Stored messages in seq order, then our own messages the server hasn't acknowledged yet
 * (a pending one disappears as soon as the stored one with its clientId arrives).
 */
export function mergeThread(messages: Message[], pending: PendingMessage[], mine: AuthorKind): ThreadItem[] {
  const known = new Set(messages.map((m) => m.clientId))
  const items: ThreadItem[] = messages.map((m) => ({
    key: m.clientId || m.id,
    clientId: m.clientId,
    seq: m.seq,
    authorKind: m.authorKind,
    authorName: m.authorName,
    text: m.text,
    createdAt: m.createdAt,
    status: m.authorKind === mine ? 'sent' : null,
  }))
  for (const p of [...pending].sort((a, b) => a.createdAt - b.createdAt)) {
    if (known.has(p.clientId)) continue
    items.push({
      key: p.clientId,
      clientId: p.clientId,
      seq: null,
      authorKind: mine,
      authorName: null,
      text: p.text,
      createdAt: p.createdAt,
      status: p.status === 'failed' ? 'failed' : 'sending',
      error: p.error,
    })
  }
  return items
}
