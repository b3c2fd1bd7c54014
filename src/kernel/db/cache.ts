import type { IDBPTransaction } from 'idb'
import type { Conversation, Message, Note } from '../contract'
import { ATTACHMENT_CACHE } from '../cacheNames'
import { getDb, type ParleyDatabase } from './index'
import { reportStorageError } from './status'
import type { ParleyDB } from './schema'

/** How much is kept for offline reading (the newest). */
export const KEEP_MESSAGES = 200
export const KEEP_NOTES = 100
/** Whose data the cache holds: another agent signing in on this device starts from nothing. */
export const OWNER_KEY = 'cache.owner'
/** When a list was last synced (settings key prefix): an empty list is then known to be empty. */
const LIST_KEY = 'cache.list.'

/**
 * A plain copy of server data for IndexedDB: objects taken from the stores may hold Vue proxies
 * (at any depth), which can't be cloned. The data is JSON from the server, so JSON copies it exactly.
 */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

const DATA_STORES = ['conversations', 'messages', 'notes'] as const
type DataTx = IDBPTransaction<ParleyDB, ('conversations' | 'messages' | 'notes')[] | ('conversations' | 'messages' | 'notes' | 'settings')[], 'readwrite'>

export type ClaimResult =
  /** The cache holds this agent's data from before. */
  | 'kept'
  /** Nothing was cached (first start, or the local data was wiped). */
  | 'empty'
  /** Another agent's data was there and has been deleted. */
  | 'replaced'

const messageRange = (conversationId: string) => IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity])
const noteRange = (conversationId: string) => IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity])

/**
 * The offline copy of what the agent last saw: conversations, the latest messages and notes of
 * each. Stores read it first and write through what the network and the socket bring. Writes never
 * throw (the cache is a copy), but a full disk is reported to the agent (see ./quota.ts).
 */
export class LocalCache {
  private ready: Promise<unknown> = Promise.resolve()

  constructor(private readonly db: () => Promise<ParleyDatabase> = getDb) {}

  /**
   * Signed in as `userId`: keep the cache if it is theirs, wipe it if it was someone else's.
   * Reads and writes wait for this.
   */
  claim(userId: string): Promise<ClaimResult> {
    const run = (async (): Promise<ClaimResult> => {
      const db = await this.db()
      const owner = (await db.get('settings', OWNER_KEY))?.value
      if (owner === userId) return 'kept'
      const tx = db.transaction([...DATA_STORES, 'settings'], 'readwrite')
      await Promise.all([...DATA_STORES.map((s) => tx.objectStore(s).clear()), clearMarkers(tx)])
      await tx.objectStore('settings').put({ key: OWNER_KEY, value: userId })
      await tx.done
      return owner === undefined ? 'empty' : 'replaced'
    })()
    this.ready = run.catch(() => undefined)
    return run
  }

  /** Everything cached, and the owner mark (sign-out: the next agent on this phone sees none of it). */
  async clear(): Promise<void> {
    const db = await this.db()
    const tx = db.transaction([...DATA_STORES, 'settings'], 'readwrite')
    await Promise.all([...DATA_STORES.map((s) => tx.objectStore(s).clear()), clearMarkers(tx), tx.objectStore('settings').delete(OWNER_KEY)])
    await tx.done
  }

  private async read<T>(fn: (db: ParleyDatabase) => Promise<T>, fallback: T): Promise<T> {
    try {
      await this.ready
      return await fn(await this.db())
    } catch {
      // No IndexedDB (private mode) or a closed connection: nothing cached.
      return fallback
    }
  }

  private async write(fn: (db: ParleyDatabase) => Promise<void>): Promise<void> {
    try {
      await this.ready
      await fn(await this.db())
    } catch (e) {
      // A full disk is shown to the agent; anything else only costs the offline copy.
      if (!reportStorageError(e)) console.warn('Parley: could not update the offline copy', e)
    }
  }

  conversations(): Promise<Conversation[]> {
    return this.read((db) => db.getAll('conversations'), [])
  }

  conversation(id: string): Promise<Conversation | undefined> {
    return this.read((db) => db.get('conversations', id), undefined)
  }

  /** Messages held for a conversation, ascending by seq. */
  messages(conversationId: string): Promise<Message[]> {
    return this.read((db) => db.getAll('messages', messageRange(conversationId)), [])
  }

  /** Notes held for a conversation, newest first. */
  async notes(conversationId: string): Promise<Note[]> {
    const rows = await this.read((db) => db.getAllFromIndex('notes', 'byConversation', noteRange(conversationId)), [])
    return rows.reverse()
  }

  putConversations(list: readonly Conversation[]): Promise<void> {
    if (!list.length) return Promise.resolve()
    return this.write(async (db) => {
      const tx = db.transaction('conversations', 'readwrite')
      await Promise.all(list.map((c) => tx.store.put(plain(c))))
      await tx.done
    })
  }

  /**
   * A list as the server just gave it: the rows are stored and the cached conversations that
   * belonged to the list (`inList`) but are no longer in it are forgotten with their messages/notes.
   */
  syncList(list: string, rows: readonly Conversation[], inList: (c: Conversation) => boolean): Promise<void> {
    return this.write(async (db) => {
      const keep = new Set(rows.map((c) => c.id))
      const tx = db.transaction(['conversations', 'messages', 'notes', 'settings'], 'readwrite')
      const gone = (await tx.objectStore('conversations').getAll()).filter((c) => inList(c) && !keep.has(c.id)).map((c) => c.id)
      await Promise.all([
        ...rows.map((c) => tx.objectStore('conversations').put(plain(c))),
        ...gone.map((id) => forget(tx, id)),
        tx.objectStore('settings').put({ key: LIST_KEY + list, value: Date.now() }),
      ])
      await tx.done
    })
  }

  /** Whether (when) a list was saved: offline, an empty list then shows as empty, not as an error. */
  async listSavedAt(list: string): Promise<number | undefined> {
    const row = await this.read((db) => db.get('settings', LIST_KEY + list), undefined)
    return typeof row?.value === 'number' ? row.value : undefined
  }

  /** A conversation the agent can no longer see. */
  forgetConversation(id: string): Promise<void> {
    return this.write(async (db) => {
      const tx = db.transaction(['conversations', 'messages', 'notes'], 'readwrite')
      await forget(tx, id)
      await tx.done
    })
  }

  /**
   * Messages of one conversation (server-acknowledged). `replace` drops what was held first (the
   * server's latest page doesn't join up with it: a gap). Only the newest KEEP_MESSAGES stay.
   */
  putMessages(conversationId: string, list: readonly Message[], opts: { replace?: boolean } = {}): Promise<void> {
    if (!list.length && !opts.replace) return Promise.resolve()
    return this.write(async (db) => {
      const tx = db.transaction('messages', 'readwrite')
      const range = messageRange(conversationId)
      if (opts.replace) await tx.store.delete(range)
      await Promise.all(list.filter((m) => m.conversationId === conversationId).map((m) => tx.store.put(plain(m))))
      // Keys ascend by seq: the oldest go first.
      let extra = (await tx.store.count(range)) - KEEP_MESSAGES
      for (let cursor = extra > 0 ? await tx.store.openCursor(range) : null; cursor && extra > 0; extra--) {
        await cursor.delete()
        cursor = await cursor.continue()
      }
      await tx.done
    })
  }

  /** Notes of one conversation; `replace` when `list` is the server's whole answer. */
  putNotes(conversationId: string, list: readonly Note[], opts: { replace?: boolean } = {}): Promise<void> {
    if (!list.length && !opts.replace) return Promise.resolve()
    return this.write(async (db) => {
      const tx = db.transaction('notes', 'readwrite')
      const range = noteRange(conversationId)
      if (opts.replace) {
        for (const key of await tx.store.index('byConversation').getAllKeys(range)) await tx.store.delete(key)
      }
      await Promise.all(list.filter((n) => n.conversationId === conversationId).map((n) => tx.store.put(plain(n))))
      // Ascending by createdAt: the oldest go first.
      const index = tx.store.index('byConversation')
      let extra = (await index.count(range)) - KEEP_NOTES
      for (let cursor = extra > 0 ? await index.openCursor(range) : null; cursor && extra > 0; extra--) {
        await cursor.delete()
        cursor = await cursor.continue()
      }
      await tx.done
    })
  }
}

async function clearMarkers(tx: IDBPTransaction<ParleyDB, ('conversations' | 'messages' | 'notes' | 'settings')[], 'readwrite'>): Promise<void> {
  const settings = tx.objectStore('settings')
  await settings.delete(IDBKeyRange.bound(LIST_KEY, LIST_KEY + '\uffff'))
}

async function forget(tx: DataTx, id: string): Promise<void> {
  await tx.objectStore('conversations').delete(id)
  await tx.objectStore('messages').delete(messageRange(id))
  const notes = tx.objectStore('notes')
  for (const key of await notes.index('byConversation').getAllKeys(noteRange(id))) await notes.delete(key)
}

/** The app's cache. */
export const localCache = new LocalCache()

/**
 * Sign-out on a shared phone: the cached data and the cached attachment files go. (Unsent messages
 * in the outbox are the outbox's business.)
 */
export async function clearOfflineData(): Promise<void> {
  await Promise.allSettled([
    localCache.clear(),
    typeof caches === 'undefined' ? Promise.resolve() : caches.delete(ATTACHMENT_CACHE),
  ])
}
