// Relative imports only: the service worker runs this class too (Background Sync).
import { isApiError } from '../http/errors'
import type { ParleyDatabase } from '../db'
import type { ReplayAck } from '../contract'
import type { ChatRef, OutboxItem, OutboxKind, OutboxStoreName, OutboxTransfer } from '../db/schema'
import { uuid } from '../uuid'
import type { BatchSender, Delivered, SendContext } from './send'

export type { OutboxItem, OutboxKind } from '../db/schema'
export type { BatchSender, Delivered } from './send'

/** A file to send with a message (a File from a picker, or a Blob from the camera). */
export interface EnqueueAttachment {
  blob: Blob
  name: string
  /** Recorded in the app (video): accepted whenever the admin allows in-app recording. */
  recorded?: boolean
}

export interface EnqueueInput {
  conversationId: string
  /** 'message' when absent. */
  kind?: OutboxKind
  text: string
  attachments?: EnqueueAttachment[]
  transfer?: OutboxTransfer
  /** The customer page's chat (its outbox, store `chatOutbox`). */
  chat?: ChatRef
  clientId?: string
  createdAt?: number
}

export interface OutboxOptions {
  /** The IndexedDB connection holding the store. */
  db: () => Promise<ParleyDatabase>
  /** Which outbox: the agent's (`outbox`, default) or the customer page's (`chatOutbox`). */
  store?: OutboxStoreName
  /** Sends one item (see send.ts); resolves with the server's answer, rejects (ideally with ApiError) otherwise. */
  send: (item: OutboxItem, ctx: SendContext) => Promise<Delivered>
  /**
   * Sends several pending items of a conversation in one request (send.ts `batchSender`): the
   * leading run of items it `joins`, up to `max`, in order. Without it every item goes alone.
   */
  batch?: BatchSender
  /** The server acknowledged an item: hand what it answered to the stores. */
  onSent?: (item: OutboxItem, result: Delivered) => void
  /** The server refused an item for good (it is kept as 'failed', with the reason). */
  onFailed?: (item: OutboxItem, error: unknown) => void
  /** A send answered 401: sending pauses until resume() (after signing in again). */
  onUnauthorized?: () => void
  /** An item was stored (the app registers a Background Sync here). */
  onEnqueued?: (item: OutboxItem) => void
  /** Upload progress of an item, 0..1; null when it is no longer uploading. */
  onProgress?: (clientId: string, fraction: number | null) => void
  /**
   * Serializes senders of one conversation across the page and the service worker (default: the
   * Web Locks API where there is one), so two never send the same conversation at once.
   */
  lock?: <T>(name: string, fn: () => Promise<T>) => Promise<T>
  /** Delay before retry number `attempt` (1, 2, ...) of a conversation after a transient failure. */
  backoff?: (attempt: number) => number
  now?: () => number
}

export type SendOutcome = 'sent' | 'retry' | 'unauthorized' | 'failed'

/** Done, but the chat is out of this agent's sight now: there is nothing to show of it. */
export const isReplayAck = (d: Delivered): d is ReplayAck => 'outcome' in d

/** Most messages in one batch request (the server's limit). */
export const BATCH_MAX = 50

const isMessageItem = (item: OutboxItem) => (item.kind ?? 'message') === 'message'

/**
 * Messages of one conversation (and, on the customer page, one chat token) go together; notes,
 * End and Transfer always go alone.
 */
export function joinsBatch(first: OutboxItem, next: OutboxItem): boolean {
  return isMessageItem(first) && isMessageItem(next) && first.conversationId === next.conversationId && first.chat?.token === next.chat?.token
}

/**
 * How a send failure is handled: no answer, 5xx, 408 and 429 are retried later; 401 waits for
 * sign-in; any other 4xx means the server will never take this message (failed, with its reason).
 */
export function classifyFailure(e: unknown): Exclude<SendOutcome, 'sent'> {
  if (!isApiError(e)) return 'retry'
  if (e.status === 401) return 'unauthorized'
  if (e.isTransient) return 'retry'
  return 'failed'
}

export function defaultBackoff(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.5 + Math.random() / 2))
}

type Listener = (items: OutboxItem[]) => void

/** How one attempt at an item ended, for whoever waits on it (a dialog). */
export type Settled =
  | { outcome: 'sent'; result: Delivered }
  | { outcome: 'failed'; error: string; status: number; code: string }
  /** Not sent yet (no network, server trouble, signed out): it stays queued and goes later. */
  | { outcome: 'queued' }

type Optional = 'onSent' | 'onFailed' | 'onUnauthorized' | 'onProgress' | 'onEnqueued' | 'store' | 'batch'
type DrainResult = 'done' | 'retry' | 'unauthorized'

export function webLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? (navigator as { locks?: LockManager }).locks : undefined
  return locks ? locks.request(name, fn) : fn()
}

export const lockName = (conversationId: string, store: OutboxStoreName = 'outbox') => `parley-${store}:${conversationId}`

/**
 * Outgoing messages, stored in IndexedDB before anything else happens, then sent in order per
 * conversation. One conversation's trouble never holds up another's.
 */
export class Outbox {
  private readonly opts: Required<Omit<OutboxOptions, Optional>> & Pick<OutboxOptions, Optional>
  private readonly items = new Map<string, OutboxItem>()
  private readonly listeners = new Set<Listener>()
  private readonly running = new Map<string, Promise<void>>()
  private readonly again = new Set<string>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly retries = new Map<string, number>()
  private readonly waiters = new Map<string, Array<(s: Settled) => void>>()
  private lastCreatedAt = 0
  private paused = false
  private disposed = false

  private readonly storeName: OutboxStoreName

  constructor(options: OutboxOptions) {
    this.opts = { backoff: defaultBackoff, now: Date.now, lock: webLock, ...options }
    this.storeName = options.store ?? 'outbox'
  }

  /** Reads what is stored: what a previous session left behind, or what the service worker changed. */
  async load(): Promise<OutboxItem[]> {
    const db = await this.opts.db()
    const all = await db.getAll(this.storeName)
    this.items.clear()
    for (const item of all) {
      this.items.set(item.clientId, item)
      this.lastCreatedAt = Math.max(this.lastCreatedAt, item.createdAt)
    }
    this.emit()
    return this.list()
  }

  /** Items in sending order (by conversation, then creation). */
  list(conversationId?: string): OutboxItem[] {
    const all = [...this.items.values()].filter((i) => !conversationId || i.conversationId === conversationId)
    return all.sort((a, b) => a.createdAt - b.createdAt || a.clientId.localeCompare(b.clientId))
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stores the item (a repeated clientId is ignored), shows it as pending, then sends. */
  enqueue(input: EnqueueInput): Promise<OutboxItem> {
    return this.store(input, null)
  }

  /** Enqueues, then waits for the first attempt's outcome (see whenSettled). */
  async submit(input: EnqueueInput): Promise<{ item: OutboxItem; settled: Settled }> {
    let settled!: Promise<Settled>
    const item = await this.store(input, (clientId) => (settled = this.whenSettled(clientId)))
    return { item, settled: await (settled ?? this.whenSettled(item.clientId)) }
  }

  private async store(input: EnqueueInput, beforeSend: ((clientId: string) => void) | null): Promise<OutboxItem> {
    const clientId = input.clientId ?? uuid()
    const known = this.items.get(clientId)
    if (known) return known
    const db = await this.opts.db()
    const stored = await db.get(this.storeName, clientId)
    if (stored) {
      this.items.set(clientId, stored)
      return stored
    }
    const createdAt = input.createdAt ?? Math.max(this.opts.now(), this.lastCreatedAt + 1)
    this.lastCreatedAt = Math.max(this.lastCreatedAt, createdAt)
    const attachments = input.attachments?.map((a) => ({
      localId: uuid(), name: a.name, type: a.blob.type, size: a.blob.size, blob: a.blob, recorded: a.recorded === true,
    }))
    const item: OutboxItem = {
      clientId, conversationId: input.conversationId, text: input.text, createdAt, status: 'pending', attempts: 0,
      ...(input.kind && input.kind !== 'message' ? { kind: input.kind } : {}),
      ...(attachments?.length ? { attachments } : {}),
      ...(input.transfer ? { transfer: input.transfer } : {}),
      ...(input.chat ? { chat: input.chat } : {}),
    }
    await db.put(this.storeName, item)
    this.items.set(clientId, item)
    this.emit()
    beforeSend?.(clientId)
    this.opts.onEnqueued?.(item)
    void this.flushConversation(item.conversationId)
    return item
  }

  /** Sends everything pending, each conversation on its own. */
  async flush(): Promise<void> {
    if (this.paused || this.disposed) return
    const db = await this.opts.db()
    const all = await db.getAll(this.storeName)
    const ids = new Set(all.filter((i) => i.status === 'pending').map((i) => i.conversationId))
    await Promise.all([...ids].map((id) => this.flushConversation(id)))
  }

  /**
   * Resolves when the next attempt at this item has an outcome: sent, refused (failed), or left
   * queued for later. A dialog uses it to answer at once when online and to say "later" offline.
   */
  whenSettled(clientId: string): Promise<Settled> {
    if (!this.items.has(clientId)) return Promise.resolve({ outcome: 'queued' })
    if (this.paused || this.disposed) return Promise.resolve({ outcome: 'queued' })
    return new Promise((resolve) => {
      const list = this.waiters.get(clientId) ?? []
      list.push(resolve)
      this.waiters.set(clientId, list)
    })
  }

  /**
   * One pass over every conversation, no timers (the service worker's Background Sync): sends
   * what it can; `retry` says something is still waiting on the network or the server.
   */
  async sendAll(): Promise<{ retry: boolean; unauthorized: boolean }> {
    const db = await this.opts.db()
    const all = await db.getAll(this.storeName)
    const ids = [...new Set(all.filter((i) => i.status === 'pending').map((i) => i.conversationId))]
    const results = await Promise.all(ids.map((id) => this.opts.lock(lockName(id, this.storeName), () => this.drain(id))))
    return { retry: results.includes('retry'), unauthorized: results.includes('unauthorized') }
  }

  flushConversation(conversationId: string): Promise<void> {
    const timer = this.timers.get(conversationId)
    if (timer) {
      clearTimeout(timer)
      this.timers.delete(conversationId)
    }
    const current = this.running.get(conversationId)
    if (current) {
      this.again.add(conversationId)
      return current
    }
    const run = (async () => {
      do {
        this.again.delete(conversationId)
        const result = await this.opts.lock(lockName(conversationId, this.storeName), () => this.drain(conversationId))
        if (result === 'retry') this.scheduleRetry(conversationId)
      } while (this.again.has(conversationId) && !this.paused && !this.disposed)
    })().finally(() => this.running.delete(conversationId))
    this.running.set(conversationId, run)
    return run
  }

  /** A failed item goes back to pending and is sent again. */
  async retry(clientId: string): Promise<void> {
    const item = this.items.get(clientId)
    if (!item) return
    const next: OutboxItem = { ...item, status: 'pending', error: undefined, attempts: 0 }
    await (await this.opts.db()).put(this.storeName, next)
    this.items.set(clientId, next)
    this.emit()
    await this.flushConversation(item.conversationId)
  }

  /** Drops an item the user gave up on. */
  async discard(clientId: string): Promise<void> {
    await (await this.opts.db()).delete(this.storeName, clientId)
    this.items.delete(clientId)
    this.emit()
  }

  /** After signing in again. */
  resume(): Promise<void> {
    this.paused = false
    return this.flush()
  }

  get isPaused(): boolean {
    return this.paused
  }

  dispose(): void {
    this.disposed = true
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
    this.listeners.clear()
    for (const list of this.waiters.values()) for (const w of list) w({ outcome: 'queued' })
    this.waiters.clear()
  }

  /**
   * Sends the conversation's pending items in order until one must wait. Call under its lock.
   * With a batch sender, the leading run of messages goes in one request (up to `batch.max`); a
   * batch refused as a whole, or a message refused inside one, is sent again alone, so the single
   * send's answer decides (retry later, or "Not sent" with the server's reason).
   */
  private async drain(conversationId: string): Promise<DrainResult> {
    const db = await this.opts.db()
    const batch = this.opts.batch
    /** How many of the next items go alone (after a batch the server refused). */
    let alone = 0
    for (;;) {
      if (this.paused || this.disposed) return this.paused ? 'unauthorized' : 'done'
      // Read each time: another sender (the service worker) may have sent some meanwhile.
      const run = await pendingRun(db, this.storeName, conversationId, batch && alone === 0 ? batch.max : 1, batch?.joins)
      const item = run[0]
      if (!item) return 'done'

      if (batch && run.length > 1) {
        const ctxFor = (i: OutboxItem) => this.context(i)
        let outcome: Awaited<ReturnType<BatchSender['send']>>
        try {
          outcome = await batch.send(run, ctxFor)
        } catch (e) {
          for (const i of run) this.opts.onProgress?.(i.clientId, null)
          if (classifyFailure(e) === 'failed') {
            // Refused as a whole (say, one message too long): each goes alone, to learn which.
            alone = run.length
            continue
          }
          const result = await this.failed(conversationId, item, e)
          if (result) return result
          continue
        }
        const sent = run.slice(0, outcome.delivered.length)
        if (sent.length) await this.acknowledge(conversationId, sent, outcome.delivered)
        const failed = outcome.failed
        if (failed?.kind === 'refused') {
          alone = 1
        } else if (failed) {
          const at = run[failed.index]!
          this.opts.onProgress?.(at.clientId, null)
          const result = await this.failed(conversationId, at, failed.error)
          if (result) return result
        }
        continue
      }

      alone = Math.max(0, alone - 1)
      let result: Delivered
      try {
        result = await this.opts.send(item, this.context(item))
      } catch (e) {
        this.opts.onProgress?.(item.clientId, null)
        const outcome = await this.failed(conversationId, item, e)
        if (outcome) return outcome
        continue
      }
      await this.acknowledge(conversationId, [item], [result])
    }
  }

  private context(item: OutboxItem): SendContext {
    return {
      uploaded: (localId, attachmentId) => this.markUploaded(item.clientId, localId, attachmentId),
      progress: (fraction) => this.opts.onProgress?.(item.clientId, fraction),
    }
  }

  /**
   * A send of `item` failed: paused for sign-in, kept for a retry later, or marked failed with the
   * server's reason. Answers how the drain ends, or null to carry on with the next item.
   */
  private async failed(conversationId: string, item: OutboxItem, e: unknown): Promise<DrainResult | null> {
    const db = await this.opts.db()
    const outcome = classifyFailure(e)
    if (outcome === 'unauthorized') {
      this.paused = true
      this.settleAll({ outcome: 'queued' })
      this.opts.onUnauthorized?.()
      return 'unauthorized'
    }
    const current = (await db.get(this.storeName, item.clientId)) ?? item
    if (outcome === 'retry') {
      await this.save({ ...current, attempts: current.attempts + 1 })
      // Everything behind it in this conversation waits too: tell whoever waits on those.
      for (const q of this.list(conversationId)) this.settle(q.clientId, { outcome: 'queued' })
      return 'retry'
    }
    const reason = e instanceof Error && e.message ? e.message : 'The server refused it'
    await this.save({ ...current, status: 'failed', error: reason, attempts: current.attempts + 1 })
    this.opts.onFailed?.(item, e)
    this.settle(item.clientId, {
      outcome: 'failed', error: reason, status: isApiError(e) ? e.status : 400, code: isApiError(e) ? e.code : 'refused',
    })
    return null
  }

  /** The server has `sent` (answered with `results`, same order): hand over, forget, tell. */
  private async acknowledge(conversationId: string, sent: OutboxItem[], results: Delivered[]): Promise<void> {
    this.retries.delete(conversationId)
    for (const [i, item] of sent.entries()) {
      this.opts.onProgress?.(item.clientId, null)
      this.opts.onSent?.(item, results[i]!)
    }
    const tx = (await this.opts.db()).transaction(this.storeName, 'readwrite')
    await Promise.all([...sent.map((item) => tx.store.delete(item.clientId)), tx.done])
    for (const item of sent) this.items.delete(item.clientId)
    this.emit()
    for (const [i, item] of sent.entries()) this.settle(item.clientId, { outcome: 'sent', result: results[i]! })
  }

  /** Keeps an uploaded file's server id on the stored item (the Blob stays until the message is sent). */
  private async markUploaded(clientId: string, localId: string, attachmentId: string): Promise<void> {
    const db = await this.opts.db()
    const tx = db.transaction(this.storeName, 'readwrite')
    const stored = await tx.store.get(clientId)
    if (stored?.attachments) {
      const next: OutboxItem = { ...stored, attachments: stored.attachments.map((a) => (a.localId === localId ? { ...a, uploadedId: attachmentId } : a)) }
      await tx.store.put(next)
      this.items.set(clientId, next)
    }
    await tx.done
  }

  private settle(clientId: string, s: Settled): void {
    const list = this.waiters.get(clientId)
    if (!list) return
    this.waiters.delete(clientId)
    for (const w of list) w(s)
  }

  private settleAll(s: Settled): void {
    for (const id of [...this.waiters.keys()]) this.settle(id, s)
  }

  private async save(item: OutboxItem): Promise<void> {
    await (await this.opts.db()).put(this.storeName, item)
    this.items.set(item.clientId, item)
    this.emit()
  }

  private scheduleRetry(conversationId: string): void {
    if (this.disposed || this.timers.has(conversationId)) return
    const attempt = (this.retries.get(conversationId) ?? 0) + 1
    this.retries.set(conversationId, attempt)
    const timer = setTimeout(() => {
      this.timers.delete(conversationId)
      void this.flushConversation(conversationId)
    }, this.opts.backoff(attempt))
    this.timers.set(conversationId, timer)
  }

  private emit(): void {
    const snapshot = this.list()
    for (const l of this.listeners) l(snapshot)
  }
}

/**
 * The conversation's first pending item, and the pending items right after it that `joins` lets
 * go with it (up to `max` in all), in one read of at most `max` items rather than the whole queue,
 * which can hold thousands of items (with their Blobs) after a long time offline. Failed items are
 * passed over (they wait for Retry and hold up nothing); an item that can't join ends the run.
 * Only when failed items fill that read does a cursor walk on past them.
 */
async function pendingRun(
  db: ParleyDatabase, store: OutboxStoreName, conversationId: string, max: number, joins?: (first: OutboxItem, next: OutboxItem) => boolean,
): Promise<OutboxItem[]> {
  const range = IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity])
  const run: OutboxItem[] = []
  /** Adds `item` if it belongs to the run; false when the run is complete. */
  const take = (item: OutboxItem): boolean => {
    if (item.status !== 'pending') return true
    if (run[0] && !joins?.(run[0], item)) return false
    run.push(item)
    return run.length < max
  }
  const index = db.transaction(store).store.index('byConversation')
  const first = await index.getAll(range, max)
  for (const item of first) if (!take(item)) return run
  if (first.length < max) return run
  let cursor = await index.openCursor(range)
  if (cursor) cursor = await cursor.advance(first.length)
  while (cursor && take(cursor.value)) cursor = await cursor.continue()
  return run
}
