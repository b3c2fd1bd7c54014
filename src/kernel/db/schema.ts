import type { DBSchema } from 'idb'
import type { Conversation, Message, Note } from '../contract'

export type OutboxStatus = 'pending' | 'failed'

/** A file going with an outgoing message, kept as a Blob until the server has it. */
export interface OutboxAttachment {
  /** Stable across retries (a local key, never sent as the file name). */
  localId: string
  name: string
  /** MIME type as the browser reported it (the server decides by the bytes). */
  type: string
  size: number
  blob: Blob
  /** Recorded in the app (video): uploaded with recorded=1. */
  recorded: boolean
  /** The server's attachment id once uploaded, so a retry doesn't upload it again. */
  uploadedId?: string
}

/** What an outbox item does: a message (the default, and every v1 row), an internal note, End chat or Transfer. */
export type OutboxKind = 'message' | 'note' | 'end' | 'transfer'

/** Where a queued Transfer goes. */
export interface OutboxTransfer {
  queueId: string
  agentId?: string
  /** Shown in the confirmation ("Will be done…") and failure texts. */
  targetName: string
}

/**
 * Something the agent did that the server has not acknowledged yet: a message, or a queued
 * action (note, End chat, Transfer). All kinds of one conversation go out in createdAt order.
 */
export interface OutboxItem {
  clientId: string
  conversationId: string
  /** Absent on rows written before actions were queued: a message. */
  kind?: OutboxKind
  /** The message or note text (a Transfer's note). */
  text: string
  attachments?: OutboxAttachment[]
  transfer?: OutboxTransfer
  /** The customer page's items (store `chatOutbox`): which chat, and the token it is sent with. */
  chat?: ChatRef
  createdAt: number
  status: OutboxStatus
  /** Why the server refused it (status 'failed'). */
  error?: string
  attempts: number
}

/** The customer's chat an item belongs to: its address (the queue's) and its bearer token. */
export interface ChatRef {
  address: string
  token: string
}

/** The two outboxes: the agent's (`outbox`) and the customer page's (`chatOutbox`). Same item shape. */
export type OutboxStoreName = 'outbox' | 'chatOutbox'

export interface Draft {
  conversationId: string
  text: string
  updatedAt: number
}

export interface Setting {
  key: string
  value: unknown
}

export interface ParleyDB extends DBSchema {
  outbox: {
    key: string
    value: OutboxItem
    indexes: { byConversation: [string, number] }
  }
  drafts: {
    key: string
    value: Draft
  }
  settings: {
    key: string
    value: Setting
  }
  // v2: the offline copy of what the agent last saw (see ./cache.ts).
  conversations: {
    key: string
    value: Conversation
  }
  /** Acknowledged messages only (the outbox holds the rest), keyed by [conversationId, seq]. */
  messages: {
    key: [string, number]
    value: Message
  }
  notes: {
    key: string
    value: Note
    indexes: { byConversation: [string, number] }
  }
  /** v3: the customer page's outbox, kept under its chat (`chat`) so a reload or a discarded tab loses nothing. */
  chatOutbox: {
    key: string
    value: OutboxItem
    indexes: { byConversation: [string, number] }
  }
}

export const DB_NAME = 'parley'
export const DB_VERSION = 3
