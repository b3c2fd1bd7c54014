import type { DBSchema } from 'idb'

export type OutboxStatus = 'pending' | 'failed'

/** A message the agent wrote that the server has not acknowledged yet. */
export interface OutboxItem {
  clientId: string
  conversationId: string
  text: string
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
