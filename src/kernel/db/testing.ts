import { openDB, type IDBPDatabase } from 'idb'

/**
 * For tests: a database made exactly as schema version 1 was released (outbox with its
 * byConversation index, drafts, settings), to check the migrations from it.
 */
export function openReleasedV1(name: string): Promise<IDBPDatabase> {
  return openDB(name, 1, {
    upgrade(db) {
      const outbox = db.createObjectStore('outbox', { keyPath: 'clientId' })
      outbox.createIndex('byConversation', ['conversationId', 'createdAt'])
      db.createObjectStore('drafts', { keyPath: 'conversationId' })
      db.createObjectStore('settings', { keyPath: 'key' })
    },
  })
}
