import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Note } from '@/kernel/contract'
import { conv, msg } from '@/entities/conversation/testing'
import { KEEP_MESSAGES, KEEP_NOTES, LocalCache } from './cache'
import { openParleyDb, type ParleyDatabase } from './index'
import { dismissStorageError, isQuotaError, reportStorageError, storageFull } from './status'
import { DB_VERSION } from './schema'
import { openReleasedV1 } from './testing'

let dbCount = 0
const opened: { close(): void }[] = []

async function freshDb(name = `parley-cache-test-${++dbCount}`): Promise<ParleyDatabase> {
  const db = await openParleyDb(name)
  opened.push(db)
  return db
}

function note(conversationId: string, n: number): Note {
  return { id: `n-${conversationId}-${n}`, conversationId, authorId: 'me', authorName: 'Me', text: `note ${n}`, createdAt: 1000 + n }
}

afterEach(() => {
  for (const db of opened.splice(0)) db.close()
  dismissStorageError()
})

describe('the offline cache', () => {
  it('keeps conversations, messages in seq order and notes newest first, per conversation', async () => {
    const db = await freshDb()
    const cache = new LocalCache(async () => db)
    await cache.putConversations([conv({ id: 'a' }), conv({ id: 'b', state: 'queued', agentId: null })])
    await cache.putMessages('a', [msg('a', 3), msg('a', 1), msg('a', 2)])
    await cache.putMessages('b', [msg('b', 1)])
    await cache.putNotes('a', [note('a', 1), note('a', 2)])

    expect((await cache.conversations()).map((c) => c.id).sort()).toEqual(['a', 'b'])
    expect((await cache.conversation('b'))?.state).toBe('queued')
    expect((await cache.messages('a')).map((m) => m.seq)).toEqual([1, 2, 3])
    expect((await cache.messages('b')).map((m) => m.id)).toEqual(['m-b-1'])
    expect((await cache.notes('a')).map((n) => n.id)).toEqual(['n-a-2', 'n-a-1'])
    expect(await cache.notes('b')).toEqual([])
  })

  it('keeps only the newest messages and notes of a conversation', async () => {
    const db = await freshDb()
    const cache = new LocalCache(async () => db)
    const many = Array.from({ length: KEEP_MESSAGES + 30 }, (_, i) => msg('a', i + 1))
    await cache.putMessages('a', many.slice(0, 120))
    await cache.putMessages('a', many.slice(120))
    const kept = await cache.messages('a')
    expect(kept).toHaveLength(KEEP_MESSAGES)
    expect(kept[0]!.seq).toBe(31)
    expect(kept.at(-1)!.seq).toBe(KEEP_MESSAGES + 30)

    await cache.putNotes('a', Array.from({ length: KEEP_NOTES + 5 }, (_, i) => note('a', i + 1)))
    const notes = await cache.notes('a')
    expect(notes).toHaveLength(KEEP_NOTES)
    expect(notes.at(-1)!.id).toBe('n-a-6')
  })

  it('replaces a conversation’s messages when the server’s page does not join up with them', async () => {
    const db = await freshDb()
    const cache = new LocalCache(async () => db)
    await cache.putMessages('a', [msg('a', 1), msg('a', 2)])
    await cache.putMessages('a', [msg('a', 500), msg('a', 501)], { replace: true })
    expect((await cache.messages('a')).map((m) => m.seq)).toEqual([500, 501])
  })

  it('syncs a list: conversations that left it are forgotten with their messages and notes', async () => {
    const db = await freshDb()
    const cache = new LocalCache(async () => db)
    await cache.putConversations([conv({ id: 'a' }), conv({ id: 'gone' }), conv({ id: 'q', state: 'queued', agentId: null })])
    await cache.putMessages('gone', [msg('gone', 1)])
    await cache.putNotes('gone', [note('gone', 1)])
    await cache.putMessages('a', [msg('a', 1)])

    expect(await cache.listSavedAt('conversations')).toBeUndefined()
    await cache.syncList('conversations', [conv({ id: 'a', unread: 4 }), conv({ id: 'new' })], (c) => c.state === 'picked')
    expect(await cache.listSavedAt('conversations')).toBeGreaterThan(0)

    expect((await cache.conversations()).map((c) => c.id).sort()).toEqual(['a', 'new', 'q'])
    expect((await cache.conversation('a'))?.unread).toBe(4)
    expect(await cache.messages('gone')).toEqual([])
    expect(await cache.notes('gone')).toEqual([])
    expect(await cache.messages('a')).toHaveLength(1)

    await cache.forgetConversation('a')
    expect(await cache.conversation('a')).toBeUndefined()
    expect(await cache.messages('a')).toEqual([])
  })

  it('belongs to one agent: another agent signing in starts empty; sign-out clears it', async () => {
    const db = await freshDb()
    const cache = new LocalCache(async () => db)
    expect(await cache.claim('u1')).toBe('empty')
    await cache.putConversations([conv({ id: 'a' })])
    await cache.putMessages('a', [msg('a', 1)])
    expect(await cache.claim('u1')).toBe('kept')
    expect(await cache.conversations()).toHaveLength(1)

    expect(await cache.claim('u2')).toBe('replaced')
    expect(await cache.conversations()).toEqual([])
    expect(await cache.messages('a')).toEqual([])

    await cache.putConversations([conv({ id: 'b' })])
    await cache.syncList('history', [], () => false)
    await cache.clear()
    expect(await cache.conversations()).toEqual([])
    expect(await cache.listSavedAt('history')).toBeUndefined()
    expect(await cache.claim('u2')).toBe('empty')
  })

  it('reports a full disk to the agent instead of swallowing it', async () => {
    const full = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    const cache = new LocalCache(async () => {
      throw full
    })
    expect(storageFull.get()).toBe(false)
    await cache.putConversations([conv({ id: 'a' })])
    expect(storageFull.get()).toBe(true)
    // Reads of an unusable database answer "nothing cached".
    expect(await cache.conversations()).toEqual([])
  })

  it('tells quota errors from others', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true)
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true)
    expect(isQuotaError(new Error('wrapped', { cause: new DOMException('full', 'QuotaExceededError') }))).toBe(true)
    expect(isQuotaError(new DOMException('closing', 'InvalidStateError'))).toBe(false)
    expect(reportStorageError(new Error('boom'))).toBe(false)
    expect(storageFull.get()).toBe(false)
    expect(reportStorageError(new DOMException('full', 'QuotaExceededError'))).toBe(true)
    expect(storageFull.get()).toBe(true)
  })
})

describe('schema migration', () => {
  it('opens a version 1 database at the current version with its outbox, drafts and settings rows kept', async () => {
    const name = `parley-v1-${++dbCount}`
    const v1 = await openReleasedV1(name)
    await v1.put('outbox', { clientId: 'c1', conversationId: 'a', text: 'hello', createdAt: 1, status: 'pending', attempts: 0 })
    await v1.put('drafts', { conversationId: 'a', text: 'half a thought', updatedAt: 2 })
    await v1.put('settings', { key: 'realtime.cursor', value: 42 })
    v1.close()

    const db = await freshDb(name)
    expect(db.version).toBe(DB_VERSION)
    expect(DB_VERSION).toBeGreaterThanOrEqual(2)
    expect([...db.objectStoreNames].sort()).toEqual(['chatOutbox', 'conversations', 'drafts', 'messages', 'notes', 'outbox', 'settings'])
    expect(await db.get('outbox', 'c1')).toMatchObject({ text: 'hello', status: 'pending' })
    expect(await db.getAllFromIndex('outbox', 'byConversation')).toHaveLength(1)
    expect(await db.get('drafts', 'a')).toMatchObject({ text: 'half a thought' })
    expect(await db.get('settings', 'realtime.cursor')).toEqual({ key: 'realtime.cursor', value: 42 })

    // The new stores work.
    const cache = new LocalCache(async () => db)
    await cache.putMessages('a', [msg('a', 1)])
    expect(await cache.messages('a')).toHaveLength(1)
  })
})
