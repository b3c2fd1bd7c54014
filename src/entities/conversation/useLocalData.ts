import type { SocketStatus } from '@/kernel/realtime/socket'
import { clearOfflineData, localCache } from '@/kernel/db/cache'
import { requestPersistentStorage } from '@/kernel/db/persist'
import { reportNetworkFailure, reportNetworkSuccess } from '@/kernel/network'
import { useMessageStore } from '@/entities/message/store'
import { useSessionStore } from '@/entities/user/store'
import { useConversationStore } from './store'

/** How many of my conversations get their latest messages fetched ahead, for offline reading. */
const PREFETCH = 20

export interface LocalDataOptions {
  /** The realtime cursor kept on this device. */
  loadCursor: () => Promise<number | undefined>
  /** Forget the cursor (the socket starts without one: nothing replayed, all loaded over HTTP). */
  forgetCursor: () => Promise<void>
}

/**
 * The offline copy around the realtime socket, for the signed-in agent: claims the cache for this
 * agent, detects local data that was wiped (then everything is loaded from the server again), and
 * resyncs the stores when the socket is ready.
 */
export function useLocalData(opts: LocalDataOptions) {
  const session = useSessionStore()
  const conversations = useConversationStore()
  const messages = useMessageStore()
  let fullReload = false
  let socketStatus: SocketStatus = 'idle'
  let active = true

  /**
   * Resolves before the socket reads its cursor. Cache and cursor go together: the cursor without
   * the cache (wiped, or another agent's) would replay only what is new; no cursor means the cache
   * may be missing anything. Either way: reload everything.
   */
  const ready: Promise<void> = (async () => {
    const user = session.user
    if (!user) return
    const [claimed, cursor] = await Promise.all([localCache.claim(user.id).catch(() => 'empty' as const), opts.loadCursor().catch(() => undefined)])
    if (claimed === 'kept' && cursor !== undefined) return
    fullReload = true
    if (cursor !== undefined) await opts.forgetCursor().catch(() => undefined)
  })()

  /** After the socket's replay: what changed while away comes in, and the offline copy is filled. */
  function resync(info: { reset: boolean; reconnected: boolean }) {
    const reloadAll = fullReload || info.reset
    fullReload = false
    // Every list on a start (so all three read offline), only those shown on a reconnect.
    const lists = reloadAll || !info.reconnected ? conversations.refreshAll() : conversations.refreshLoaded()
    const open = conversations.openId
    if (open) {
      void conversations.fetchOne(open).catch(() => undefined)
      void messages.fetch(open).catch(() => undefined)
    }
    if (reloadAll || !info.reconnected) void lists.then(() => prefetchMessages(open))
  }

  /** The latest messages of my conversations, one at a time, so they read offline. */
  async function prefetchMessages(skip: string | null) {
    for (const c of conversations.conversations.slice(0, PREFETCH)) {
      if (!active) return
      if (c.id === skip || c.state !== 'picked' || messages.loaded[c.id]) continue
      await messages.fetch(c.id).catch(() => undefined)
    }
  }

  /** A connection attempt that fails means the server can't be reached; an open socket that it can. */
  function onSocketStatus(status: SocketStatus) {
    if (status === 'open') reportNetworkSuccess()
    else if (status === 'closed' && socketStatus === 'connecting' && active) reportNetworkFailure()
    socketStatus = status
  }

  function start() {
    active = true
    void requestPersistentStorage()
  }

  function stop() {
    active = false
  }

  /** Sign-out on a shared phone: nothing of this agent's stays readable. */
  async function wipe() {
    active = false
    await clearOfflineData()
  }

  return { ready, resync, onSocketStatus, start, stop, wipe }
}
