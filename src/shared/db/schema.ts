import type { DBSchema } from 'idb'

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

/** A message the agent wrote that the server has not acknowledged yet. */
export interface OutboxItem {
  clientId: string
  conversationId: string
  text: string
  attachments?: OutboxAttachment[]
  createdAt: number
  status: OutboxStatus
  /** Why the server refused it (status 'failed'). */
  error?: string
  attempts: number
}

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
}

export const DB_NAME = 'parley'
export const DB_VERSION = 1
