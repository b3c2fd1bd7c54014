import type { AuthorKind, Message } from '@/kernel/contract'
import { storedAttachment, type ThreadAttachment } from '@/shared/utils/thread'
import { TEXT_LIMITS } from '@/kernel/text'

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
  /** Photos, videos, documents: stored ones, or the customer's own still on their way. */
  attachments: ThreadAttachment[]
  /** Upload progress (0..1) while the customer's photos are uploading. */
  progress: number | null
}

/** Stored files get the signed URLs the server sent with the message (they expire: see useCustomerChat). */
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
    attachments: (m.attachments ?? []).map((a) => storedAttachment(a)),
    progress: null,
  }
}

/** The server's limit on a message, in graphemes (TEXT_LIMITS, counted as people count characters). */
export const MAX_MESSAGE_LENGTH = TEXT_LIMITS.message
