import type { Published } from './pubsub.js'

/**
 * What a socket listens for: an agent, the queues they are a member of (and whether they are an
 * admin, who also watches every conversation for "All open"), or a customer, their conversation.
 */
export type RouteKeys =
  | { kind: 'agent'; queueIds: ReadonlySet<string>; admin: boolean }
  | { kind: 'customer'; conversationId: string }

/** One socket's subscription: `keys()` is read when added and on every `update()`. */
export interface Route {
  keys(): RouteKeys
  handle(p: Published): void
}

export interface RouteHandle {
  /** Re-reads the route's keys (an agent's queues changed). */
  update(): void
  remove(): void
}

export interface SocketRouter {
  add(route: Route): RouteHandle
  /**
   * Hands `p` to the routes it may concern, each at most once, in the order they were added per
   * group: an event or typing to the agents of its queue and the customer of its conversation (an
   * event's visibility decides which side: `internal` agents only, `customer` the customer only),
   * conversation events to every admin as well; anything else to every route. Each route still
   * applies its own checks; this only spares the rest from being asked.
   */
  dispatch(p: Published): void
  /** Routes currently added. */
  readonly size: number
}

interface Entry {
  route: Route
  keys: RouteKeys
  /** The dispatch that last handed this entry a message (one hand-over per message). */
  seen: number
}

/**
 * Indexes the sockets of a process by queue and conversation, so a message reaches only the
 * sockets it may concern: with every socket asked about every event, a process holding 10,000
 * agent sockets (1 message per agent per minute, queues of 10) made 1.7 million calls a second
 * that said no (bench/capacity.ts).
 */
export function createSocketRouter(): SocketRouter {
  const byQueue = new Map<string, Set<Entry>>()
  const byConversation = new Map<string, Set<Entry>>()
  const admins = new Set<Entry>()
  const all = new Set<Entry>()
  let dispatches = 0

  /** Adds `e` to (or removes it from) the indexes its keys name. */
  function file(e: Entry, add: boolean) {
    const put = (map: Map<string, Set<Entry>>, key: string) => {
      let set = map.get(key)
      if (add) {
        if (!set) map.set(key, (set = new Set()))
        set.add(e)
      } else if (set?.delete(e) && set.size === 0) {
        map.delete(key)
      }
    }
    const k = e.keys
    if (k.kind === 'customer') return put(byConversation, k.conversationId)
    for (const q of k.queueIds) put(byQueue, q)
    if (k.admin && add) admins.add(e)
    else admins.delete(e)
  }

  function handTo(entries: Iterable<Entry> | undefined, p: Published, n: number) {
    if (!entries) return
    for (const e of entries) {
      if (e.seen === n) continue
      e.seen = n
      e.route.handle(p)
    }
  }

  return {
    add(route) {
      // A copy of the queue ids: the caller's set may change before update() is called.
      const keysNow = (): RouteKeys => {
        const k = route.keys()
        return k.kind === 'agent' ? { ...k, queueIds: new Set(k.queueIds) } : k
      }
      const e: Entry = { route, keys: keysNow(), seen: 0 }
      all.add(e)
      file(e, true)
      return {
        update() {
          if (!all.has(e)) return
          file(e, false)
          e.keys = keysNow()
          file(e, true)
        },
        remove() {
          if (!all.delete(e)) return
          file(e, false)
        },
      }
    },
    dispatch(p) {
      const n = ++dispatches
      if (p.kind === 'event') {
        if (p.visibility !== 'customer') handTo(byQueue.get(p.queueId), p, n)
        if (p.visibility !== 'internal') handTo(byConversation.get(p.conversationId), p, n)
        if (p.visibility !== 'customer' && (p.event.type === 'conversation.created' || p.event.type === 'conversation.updated')) handTo(admins, p, n)
      } else if (p.kind === 'typing') {
        handTo(byQueue.get(p.queueId), p, n)
        handTo(byConversation.get(p.conversationId), p, n)
      } else {
        handTo(all, p, n)
      }
    },
    get size() {
      return all.size
    },
  }
}
