import 'fake-indexeddb/auto'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useMessageStore } from '@/entities/message/store'
import { useSessionStore } from '@/entities/user/store'
import type { Conversation } from '@/kernel/contract'
import { conv, msg } from './testing'

const server = vi.hoisted(() => ({
  lists: {} as Record<string, Conversation[]>,
  one: {} as Record<string, Conversation>,
  reads: [] as [string, number][],
}))

vi.mock('./api', () => ({
  listConversations: vi.fn(async (view: string) => server.lists[view] ?? []),
  listHistoryPage: vi.fn(async () => ({ conversations: server.lists.history ?? [], nextCursor: null })),
  getConversation: vi.fn(async (id: string) => server.one[id]),
  pickConversation: vi.fn(),
  acceptConversation: vi.fn(async (id: string) => ({ ...server.one[id]!, state: 'picked', agentId: 'me', offeredTo: null })),
  rejectConversation: vi.fn(async () => undefined),
  markRead: vi.fn(async (id: string, seq: number) => {
    server.reads.push([id, seq])
  }),
}))

// The sort choice is kept in localStorage (Node has none).
const storage = new Map<string, string>()
vi.stubGlobal('localStorage', {
  getItem: (k: string) => storage.get(k) ?? null,
  setItem: (k: string, v: string) => void storage.set(k, v),
  removeItem: (k: string) => void storage.delete(k),
})

const { useConversationStore } = await import('./store')

function setup() {
  setActivePinia(createPinia())
  const session = useSessionStore()
  session.user = { id: 'me', username: 'me', displayName: 'Me', role: 'agent', presence: 'available', maxConcurrent: 5, active: true, notifyMessages: true, awayReason: null, awaySince: null, locale: null }
  return { store: useConversationStore(), messages: useMessageStore() }
}

beforeEach(() => {
  server.lists = {}
  server.one = {}
  server.reads = []
  storage.clear()
})

describe('unread', () => {
  it("starts from the server's count and counts customer messages of conversations not open", async () => {
    const { store } = setup()
    server.lists.conversations = [conv({ id: 'a', unread: 2 })]
    await store.fetchList('conversations')
    expect(store.byId.a!.unread).toBe(2)
    store.noteMessage(msg('a', 3))
    expect(store.byId.a!.unread).toBe(3)
    store.noteMessage(msg('a', 4, 'agent'))
    store.noteMessage(msg('a', 5, 'system'))
    expect(store.byId.a!.unread).toBe(3)
    expect(store.byId.a!.lastMessage?.text).toBe('text 5')
  })

  it('clears on open and does not count while open', () => {
    const { store } = setup()
    store.setFromServer(conv({ id: 'a', unread: 4 }))
    store.setOpen('a')
    expect(store.byId.a!.unread).toBe(0)
    store.noteMessage(msg('a', 5))
    expect(store.byId.a!.unread).toBe(0)
    // The server's (older) answer while it is open does not bring the count back.
    store.setFromServer(conv({ id: 'a', unread: 5 }))
    expect(store.byId.a!.unread).toBe(0)
  })

  it("keeps its count over socket events (they carry 0) and says when a conversation is new", () => {
    const { store } = setup()
    store.setFromServer(conv({ id: 'a', unread: 3 }))
    expect(store.upsertFromEvent(conv({ id: 'a', unread: 0, lastMessageAt: 7 }))).toBe(false)
    expect(store.byId.a!.unread).toBe(3)
    expect(store.upsertFromEvent(conv({ id: 'b', unread: 0 }))).toBe(true)
  })

  it('leaving an open conversation tells the server what was seen, and a stale list answer keeps it cleared', async () => {
    const { store, messages } = setup()
    store.setFromServer(conv({ id: 'a', unread: 2 }))
    store.setOpen('a')
    messages.upsert(msg('a', 1))
    messages.upsert(msg('a', 2))
    store.setOpen(null)
    expect(server.reads).toEqual([['a', 2]])
    // The list was read before the marker reached the server: it still says 2.
    server.lists.conversations = [conv({ id: 'a', unread: 2 })]
    await store.fetchList('conversations')
    expect(store.byId.a!.unread).toBe(0)
    // A new customer message counts again (the message store tells this store), and the server is the truth for it.
    messages.upsert(msg('a', 3))
    expect(store.byId.a!.unread).toBe(1)
    store.setFromServer(conv({ id: 'a', unread: 1 }))
    expect(store.byId.a!.unread).toBe(1)
  })

  it('follows read.updated from my other devices', () => {
    const { store } = setup()
    store.setFromServer(conv({ id: 'a', unread: 0 }))
    store.noteMessage(msg('a', 1))
    store.noteMessage(msg('a', 2))
    expect(store.byId.a!.unread).toBe(2)
    // Read up to 1 of 2: the server knows the rest.
    expect(store.applyRead('a', 1)).toBe(true)
    expect(store.byId.a!.unread).toBe(2)
    // Everything read: cleared here, nothing to ask.
    expect(store.applyRead('a', 2)).toBe(false)
    expect(store.byId.a!.unread).toBe(0)
  })

  it('asks the server when a read marker comes for messages this device has not seen', () => {
    const { store } = setup()
    store.setFromServer(conv({ id: 'a', unread: 3 }))
    expect(store.applyRead('a', 9)).toBe(true)
    store.setFromServer(conv({ id: 'b', unread: 0 }))
    expect(store.applyRead('b', 9)).toBe(false)
    expect(store.applyRead('unknown', 9)).toBe(false)
  })

  it('does not count offers in the total', () => {
    const { store } = setup()
    store.setFromServer(conv({ id: 'a', unread: 2 }))
    store.setFromServer(conv({ id: 'o', state: 'offered', agentId: null, offeredTo: 'me', unread: 5 }))
    expect(store.totalUnread).toBe(2)
    expect(store.offers.map((c) => c.id)).toEqual(['o'])
  })
})

describe('lists', () => {
  it('drops what the server no longer lists, and moves conversations between lists on events', async () => {
    const { store } = setup()
    server.lists.conversations = [conv({ id: 'a' }), conv({ id: 'b' })]
    await store.fetchList('conversations')
    server.lists.conversations = [conv({ id: 'a' })]
    await store.fetchList('conversations')
    expect(store.conversations.map((c) => c.id)).toEqual(['a'])
    // Ended on another device: it moves to History.
    store.upsertFromEvent(conv({ id: 'a', state: 'ended', endedAt: 5 }))
    expect(store.conversations).toEqual([])
    expect(store.history.map((c) => c.id)).toEqual(['a'])
    // Transferred away: in none of my lists.
    store.upsertFromEvent(conv({ id: 'c', agentId: 'other' }))
    expect(store.list('conversations')).toEqual([])
  })

  it('remembers the sort choice', () => {
    const { store } = setup()
    expect(store.sortBy).toBe('latest')
    store.setSort('name')
    expect(storage.get('parley.conversations.sort')).toBe('name')
    const again = setup().store
    expect(again.sortBy).toBe('name')
  })

  it('accepts and rejects offers', async () => {
    const { store } = setup()
    const offer = conv({ id: 'o', state: 'offered', agentId: null, offeredTo: 'me', offerExpiresAt: 1 })
    server.one.o = offer
    store.setFromServer(offer)
    await store.accept('o')
    expect(store.byId.o!.state).toBe('picked')
    store.setFromServer(conv({ id: 'p', state: 'offered', agentId: null, offeredTo: 'me' }))
    await store.reject('p')
    expect(store.byId.p).toBeUndefined()
  })
})

describe('a list answer and socket events crossing', () => {
  it('a list that left the server before an event does not drop or undo what the event brought', async () => {
    const { store } = setup()
    server.lists.conversations = [conv({ id: 'a' })]
    let answer: ((rows: Conversation[]) => void) | null = null
    const api = await import('./api')
    vi.mocked(api.listConversations).mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
    const loading = store.fetchList('conversations')
    await vi.waitFor(() => expect(answer).not.toBeNull())
    // Picked while the list was on its way: the answer (made before) doesn't have it yet.
    store.upsertFromEvent(conv({ id: 'b' }))
    answer!([conv({ id: 'a' })])
    await loading
    expect(store.list('conversations').map((c) => c.id).sort()).toEqual(['a', 'b'])
  })
})
