import 'fake-indexeddb/auto'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Conversation, Message, Note } from '@/kernel/contract'
import { ApiError } from '@/kernel/http/errors'
import { localCache } from '@/kernel/db/cache'
import { conv, msg } from '@/entities/conversation/testing'
import { useSessionStore } from '@/entities/user/store'

// The server: answers from these, or fails like a phone without network.
const server = vi.hoisted(() => ({
  offline: false,
  lists: {} as Record<string, Conversation[]>,
  messages: {} as Record<string, Message[]>,
  notes: {} as Record<string, Note[]>,
}))
const noNetwork = () => new ApiError(0, 'network', 'Failed to fetch')

vi.mock('@/entities/message/api', () => ({
  listMessages: vi.fn(async (id: string, opts: { beforeSeq?: number; limit?: number }) => {
    if (server.offline) throw noNetwork()
    const all = (server.messages[id] ?? []).filter((m) => opts.beforeSeq === undefined || m.seq < opts.beforeSeq)
    return all.slice(-(opts.limit ?? 200))
  }),
}))
vi.mock('@/entities/conversation/api', () => ({
  listHistoryPage: vi.fn(async () => {
    if (server.offline) throw noNetwork()
    return { conversations: server.lists.history ?? [], nextCursor: null }
  }),
  listConversations: vi.fn(async (view: string) => {
    if (server.offline) throw noNetwork()
    return server.lists[view] ?? []
  }),
  getConversation: vi.fn(async (id: string) => {
    if (server.offline) throw noNetwork()
    const c = Object.values(server.lists).flat().find((x) => x.id === id)
    if (!c) throw new ApiError(404, 'not_found', 'No such conversation')
    return c
  }),
  markRead: vi.fn(async () => undefined),
}))
vi.mock('@/entities/note/api', () => ({
  listNotes: vi.fn(async (id: string) => {
    if (server.offline) throw noNetwork()
    return server.notes[id] ?? []
  }),
}))

vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined, removeItem: () => undefined })

const { useMessageStore } = await import('./store')
const { useConversationStore } = await import('@/entities/conversation/store')
const { useNoteStore } = await import('@/entities/note/store')

/** A fresh app start (new Pinia) on the same device (the same IndexedDB). */
function start() {
  setActivePinia(createPinia())
  useSessionStore().user = { id: 'me', username: 'me', displayName: 'Me', role: 'agent', presence: 'available', maxConcurrent: 5, active: true, notifyMessages: true, awayReason: null, awaySince: null, locale: null }
  return { messages: useMessageStore(), conversations: useConversationStore(), notes: useNoteStore() }
}

/** Cache writes are fire-and-forget: a read after them in the same queue sees them. */
const settled = () => localCache.conversations()

beforeEach(async () => {
  server.offline = false
  server.lists = {}
  server.messages = {}
  server.notes = {}
  await localCache.clear()
})

describe('offline reading', () => {
  it('opens on the last lists and messages it had when the network is gone', async () => {
    server.lists.conversations = [conv({ id: 'a', lastMessageAt: 10 })]
    server.lists.picklist = [conv({ id: 'q', state: 'queued', agentId: null })]
    server.messages.a = [msg('a', 1), msg('a', 2, 'agent')]
    server.notes.a = [{ id: 'n1', conversationId: 'a', authorId: 'me', authorName: 'Me', text: 'VIP', createdAt: 1 }]
    const online = start()
    await online.conversations.fetchList('conversations')
    await online.conversations.fetchList('picklist')
    await online.messages.fetch('a')
    await online.notes.fetch('a')
    // A message from the socket: kept, and the row's preview with it.
    const live = msg('a', 3)
    if (online.messages.upsert(live)) online.conversations.noteMessage(live)
    online.conversations.clearUnread('a')
    await settled()

    server.offline = true
    const offline = start()
    await offline.conversations.fetchList('conversations')
    await offline.conversations.fetchList('picklist')
    expect(offline.conversations.conversations.map((c) => c.id)).toEqual(['a'])
    expect(offline.conversations.byId.a!.lastMessage?.text).toBe('text 3')
    expect(offline.conversations.picklist.map((c) => c.id)).toEqual(['q'])
    expect(offline.conversations.loaded.conversations).toBe(true)
    expect((await offline.conversations.fetchOne('a')).id).toBe('a')
    await offline.messages.fetch('a')
    expect(offline.messages.forConversation('a').map((m) => m.seq)).toEqual([1, 2, 3])
    await offline.notes.fetch('a')
    expect(offline.notes.forConversation('a').map((n) => n.text)).toEqual(['VIP'])
  })

  it('shows a list that was empty when last online as empty, not as an error', async () => {
    const online = start()
    await online.conversations.fetchList('history')
    await settled()
    server.offline = true
    const offline = start()
    await offline.conversations.fetchList('history')
    expect(offline.conversations.loaded.history).toBe(true)
    expect(offline.conversations.history).toEqual([])
  })

  it('rejects offline when nothing was saved, so the page can say so', async () => {
    server.offline = true
    const { conversations, messages } = start()
    await expect(conversations.fetchList('history')).rejects.toMatchObject({ code: 'network' })
    await expect(messages.fetch('zzz')).rejects.toMatchObject({ code: 'network' })
    await expect(conversations.fetchOne('zzz')).rejects.toMatchObject({ code: 'network' })
  })

  it('forgets conversations the server no longer lists, and what the socket brings is kept', async () => {
    server.lists.conversations = [conv({ id: 'a' }), conv({ id: 'b' })]
    server.messages.b = [msg('b', 1)]
    const first = start()
    await first.conversations.fetchList('conversations')
    await first.messages.fetch('b')
    server.lists.conversations = [conv({ id: 'a' })]
    await first.conversations.fetchList('conversations')
    // A realtime event for a conversation picked meanwhile on another device.
    first.conversations.upsertFromEvent(conv({ id: 'c' }))
    await settled()

    server.offline = true
    const later = start()
    await later.conversations.fetchList('conversations')
    expect(later.conversations.conversations.map((c) => c.id).sort()).toEqual(['a', 'c'])
    await expect(later.messages.fetch('b')).rejects.toMatchObject({ code: 'network' })
  })

  it('keeps the thread contiguous when the server has moved on far past what was saved', async () => {
    server.messages.a = [msg('a', 1), msg('a', 2)]
    const first = start()
    await first.messages.fetch('a')
    await settled()

    server.messages.a = Array.from({ length: 300 }, (_, i) => msg('a', i + 1))
    const later = start()
    await later.messages.fetch('a')
    const seqs = later.messages.forConversation('a').map((m) => m.seq)
    expect(seqs[0]).toBe(201)
    expect(seqs.at(-1)).toBe(300)
    expect(seqs).toHaveLength(100)
    expect(later.messages.hasOlder.a).toBe(true)
    expect(await later.messages.fetchOlder('a')).toBe(100)
    expect(later.messages.forConversation('a')[0]!.seq).toBe(101)
  })
})
