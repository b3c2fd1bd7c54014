import type { AuthorKind, Message } from '../../../server/src/api-types'

export type DeliveryStatus = 'sent' | 'sending' | 'failed'

/** A message as the page shows it: a stored one, or the customer's own one on its way. */
export interface ChatMessage {
  /** Stable key for rendering: the clientId, which both the pending and the stored copy share. */
  key: string
  id: string | null
  seq: number | null
  clientId: string
  authorKind: AuthorKind
  authorName: string | null
  text: string
  createdAt: number
  status: DeliveryStatus
  /** Why a message was not sent (the server's words). */
  error: string | null
  /** Whether sending again can help (false once the chat has ended). */
  canRetry: boolean
}

export function fromServer(m: Message): ChatMessage {
  return {
    key: m.clientId,
    id: m.id,
    seq: m.seq,
    clientId: m.clientId,
    authorKind: m.authorKind,
    authorName: m.authorName,
    text: m.text,
    createdAt: m.createdAt,
    status: 'sent',
    error: null,
    canRetry: false,
  }
}

export const MAX_MESSAGE_LENGTH = 4000
