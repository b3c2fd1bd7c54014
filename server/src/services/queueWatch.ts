import type { QueueStatus, ServerFrame } from '../api-types.js'
import { waitingQueueOf } from '../db/repositories/waiting.js'
import type { AppContext } from './context.js'
import { markAgentDelivered } from './conversations.js'
import { queueStatuses } from './customerSide.js'

interface Log {
  error(obj: unknown, msg: string): void
}

/** A waiting customer's socket, as the watch sees it. */
export interface QueueWatcher {
  conversationId: string
  send(frame: ServerFrame): void
}

export interface QueueWatch {
  /** Starts sending this customer socket its place in line (at once, then on every change). */
  add(w: QueueWatcher): void
  remove(w: QueueWatcher): void
  /** An agent's app received a customer message (coalesced, then recorded as "Delivered"). */
  delivered(conversationId: string, seq: number): void
  close(): void
}

/**
 * Honest waiting (issue 15, point 3), per process: the customer sockets of waiting chats get
 * `{"type":"queue","status"}` when they say hello, whenever a conversation of their queue is
 * created or changes (picked, offered, ended, transferred: in this process or, through the
 * PubSub, any other), and every `refreshMs` (the estimate shrinks as time passes). One query per
 * queue and change, coalesced over `debounceMs`, however many customers wait.
 *
 * It also coalesces "an agent's app received this customer message" into one write per
 * conversation per `debounceMs`, all conversations of a flush in one transaction (services/conversations.ts markAgentDelivered).
 */
export function createQueueWatch(ctx: AppContext, log: Log, opts: { debounceMs?: number; refreshMs?: number } = {}): QueueWatch {
  const debounceMs = opts.debounceMs ?? 150
  const watchers = new Map<QueueWatcher, string | undefined>() // → queue id once known
  const dirty = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined

  const queuesWatched = () => new Set([...watchers.values()].filter((q): q is string => !!q))

  function schedule(queueId: string) {
    if (!queuesWatched().has(queueId)) return
    dirty.add(queueId)
    timer ??= setTimeout(flush, debounceMs)
    timer.unref?.()
  }

  async function refresh(queueId: string) {
    const statuses = await queueStatuses(ctx, queueId)
    for (const [w, q] of watchers) {
      if (q !== queueId) continue
      const status: QueueStatus | undefined = statuses.get(w.conversationId)
      if (status) w.send({ type: 'queue', status })
    }
  }

  function flush() {
    timer = undefined
    const queues = [...dirty]
    dirty.clear()
    for (const q of queues) refresh(q).catch((err: unknown) => log.error({ err }, 'queue status failed'))
  }

  const unsubscribe = ctx.pubsub.subscribe((p) => {
    // Receipts (visibility customer) move nobody in line.
    if (p.kind !== 'event' || p.visibility === 'customer') return
    if (p.event.type !== 'conversation.created' && p.event.type !== 'conversation.updated') return
    // A transfer moves a waiting customer to another queue: follow it (the old queue moves up too).
    for (const [w, q] of watchers) {
      if (w.conversationId === p.conversationId && q !== p.queueId) {
        if (q) schedule(q)
        watchers.set(w, p.queueId)
      }
    }
    schedule(p.queueId)
  })

  const refreshTimer = setInterval(() => {
    for (const q of queuesWatched()) schedule(q)
  }, opts.refreshMs ?? 30_000)
  refreshTimer.unref?.()

  const pendingDelivered = new Map<string, number>()
  let deliveredTimer: ReturnType<typeof setTimeout> | undefined
  function flushDelivered() {
    deliveredTimer = undefined
    const marks = new Map(pendingDelivered)
    pendingDelivered.clear()
    // One transaction for all of them (a busy process has dozens per flush).
    markAgentDelivered(ctx, marks).catch((err: unknown) => log.error({ err }, 'delivered receipt failed'))
  }

  return {
    add(w) {
      watchers.set(w, undefined)
      waitingQueueOf(ctx.db, w.conversationId).then((row) => {
        if (!row || !watchers.has(w)) return
        watchers.set(w, row.queue_id)
        if (row.state === 'queued' || row.state === 'offered') schedule(row.queue_id)
      }, (err: unknown) => log.error({ err }, 'queue status failed'))
    },
    remove(w) {
      watchers.delete(w)
    },
    delivered(conversationId, seq) {
      pendingDelivered.set(conversationId, Math.max(seq, pendingDelivered.get(conversationId) ?? 0))
      deliveredTimer ??= setTimeout(flushDelivered, debounceMs)
      deliveredTimer.unref?.()
    },
    close() {
      unsubscribe()
      clearInterval(refreshTimer)
      clearTimeout(timer)
      if (deliveredTimer) {
        clearTimeout(deliveredTimer)
        deliveredTimer = undefined
      }
    },
  }
}
