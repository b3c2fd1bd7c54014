import type { ServerEvent, ServerFrame } from '../api-types.js'

/**
 * What crosses from the code that changes data to the sockets that show it.
 * `queueId` and `visibility` let the hub decide who may see an event without a query.
 * In-process today; a PostgreSQL LISTEN/NOTIFY implementation can replace it for several processes.
 */
export interface Published {
  event?: ServerEvent
  /** Ephemeral frames (typing) are not stored and not replayed. */
  ephemeral?: Extract<ServerFrame, { type: 'typing' }>
  queueId: string
  conversationId: string
  visibility: 'public' | 'internal'
  /** For ephemeral frames: which side sent it, so it isn't echoed to that side. */
  from?: 'agent' | 'customer'
}

export interface PubSub {
  publish(msg: Published): void
  subscribe(handler: (msg: Published) => void): () => void
}

export function createLocalPubSub(): PubSub {
  const handlers = new Set<(msg: Published) => void>()
  return {
    publish(msg) {
      for (const h of handlers) h(msg)
    },
    subscribe(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
  }
}
