// The first screen paints from the offline copy while the network hangs: the stores hold the
// cached lists and thread before any answer comes (what ConversationListPage and ChatPage show).
import 'fake-indexeddb/auto'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { localCache } from '@/kernel/db/cache'
import { useMessageStore } from '@/entities/message/store'
import { useSessionStore } from '@/entities/user/store'
import { conv, msg } from './testing'

// Every request hangs (a phone on a dead connection that has not timed out yet).
const { hang } = vi.hoisted(() => ({ hang: () => new Promise<never>(() => undefined) }))
vi.mock('./api', () => ({
  listConversations: vi.fn(hang),
  getConversation: vi.fn(hang),
  pickConversation: vi.fn(hang),
  acceptConversation: vi.fn(hang),
  rejectConversation: vi.fn(hang),
  markRead: vi.fn(hang),
}))
vi.mock('@/entities/message/api', () => ({ listMessages: vi.fn(hang) }))

const storage = new Map<string, string>()
vi.stubGlobal('localStorage', {
  getItem: (k: string) => storage.get(k) ?? null,
  setItem: (k: string, v: string) => void storage.set(k, v),
  removeItem: (k: string) => void storage.delete(k),
})

const { useConversationStore } = await import('./store')

beforeEach(async () => {
  setActivePinia(createPinia())
  useSessionStore().user = { id: 'me', username: 'me', displayName: 'Me', role: 'agent', presence: 'available', maxConcurrent: 5, active: true, notifyMessages: true }
  await localCache.claim('me')
  await localCache.putConversations([
    conv({ id: 'older', lastMessageAt: 100, lastMessage: { text: 'Hello', authorKind: 'customer', createdAt: 100 } }),
    conv({ id: 'newer', lastMessageAt: 200, lastMessage: { text: 'Where is my parcel?', authorKind: 'customer', createdAt: 200 } }),
    conv({ id: 'waiting', state: 'queued', agentId: null, agentName: null }),
  ])
  await localCache.putMessages('newer', [msg('newer', 1), msg('newer', 2)])
})

describe('first paint from the offline copy, the network hanging', () => {
  it('the lists hold the cached conversations while the list request is still on its way', async () => {
    const store = useConversationStore()
    const request = store.fetchList('conversations')
    await store.hydrate()
    expect(store.loading.conversations).toBe(true)
    expect(store.loaded.conversations).toBe(false)
    expect(store.conversations.map((c) => [c.id, c.lastMessage?.text])).toEqual([['newer', 'Where is my parcel?'], ['older', 'Hello']])
    expect(store.picklist.map((c) => c.id)).toEqual(['waiting'])
    void request
  })

  it('an open conversation has its cached header and latest messages before any answer', async () => {
    const store = useConversationStore()
    const messages = useMessageStore()
    void store.fetchOne('newer').catch(() => undefined)
    void messages.fetch('newer').catch(() => undefined)
    await Promise.all([store.hydrate(), messages.hydrate('newer')])
    expect(store.byId.newer?.customer.name).toBe('Customer newer')
    expect(messages.forConversation('newer').map((m) => m.text)).toEqual(['text 1', 'text 2'])
  })
})
