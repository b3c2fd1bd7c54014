import type { Message } from '@/shared/api/types'
import { isApiError } from '@/shared/api/errors'
import type { OutboxItem, ParleyDatabase } from '@/shared/db'
import { uuid } from '@/shared/utils/uuid'

export type { OutboxItem } from '@/shared/db'

/** A file to send with a message (a File from a picker, or a Blob from the camera). */
export interface EnqueueAttachment {
  blob: Blob
  name: string
  /** Recorded in the app (video): accepted whenever the admin allows in-app recording. */
  recorded?: boolean
}

export interface EnqueueInput {
  conversationId: string
  text: string
  attachments?: EnqueueAttachment[]
  clientId?: string
  createdAt?: number
}

export interface OutboxOptions {
  /** The IndexedDB connection holding the `outbox` store. */
  db: () => Promise<ParleyDatabase>
  /** Sends one message; resolves with the server's message, rejects (ideally with ApiError) otherwise. */
  send: (item: OutboxItem) => Promise<Message>
  /** The server acknowledged an item: hand its message to the message store. */
  onSent?: (item: OutboxItem, message: Message) => void
  /** A send answered 401: sending pauses until resume() (after signing in again). */
  onUnauthorized?: () => void
  /** Delay before retry number `attempt` (1, 2, ...) of a conversation after a transient failure. */
  backoff?: (attempt: number) => number
  now?: () => number
}

export type SendOutcome = 'sent' | 'retry' | 'unauthorized' | 'failed'

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

/**
 * Outgoing messages, stored in IndexedDB before anything else happens, then sent in order per
 * conversation. One conversation's trouble never holds up another's.
 */
export class Outbox {
  private readonly opts: Required<Omit<OutboxOptions, 'onSent' | 'onUnauthorized'>> & Pick<OutboxOptions, 'onSent' | 'onUnauthorized'>
  private readonly items = new Map<string, OutboxItem>()
  private readonly listeners = new Set<Listener>()
  private readonly running = new Map<string, Promise<void>>()
  private readonly again = new Set<string>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly retries = new Map<string, number>()
  private lastCreatedAt = 0
  private paused = false
  private disposed = false

  constructor(options: OutboxOptions) {
    this.opts = { backoff: defaultBackoff, now: Date.now, ...options }
  }

  /** Reads what a previous session left behind. */
  async load(): Promise<OutboxItem[]> {
    const db = await this.opts.db()
    const all = await db.getAll('outbox')
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

  /** Stores the message (a repeated clientId is ignored), shows it as pending, then sends. */
  async enqueue(input: EnqueueInput): Promise<OutboxItem> {
    const clientId = input.clientId ?? uuid()
    const known = this.items.get(clientId)
    if (known) return known
    const db = await this.opts.db()
    const stored = await db.get('outbox', clientId)
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
      ...(attachments?.length ? { attachments } : {}),
    }
    await db.put('outbox', item)
    this.items.set(clientId, item)
    this.emit()
    void this.flushConversation(item.conversationId)
    return item
  }

  /** Sends everything pending, each conversation on its own. */
  async flush(): Promise<void> {
    if (this.paused || this.disposed) return
    const db = await this.opts.db()
    const all = await db.getAll('outbox')
    const ids = new Set(all.filter((i) => i.status === 'pending').map((i) => i.conversationId))
    await Promise.all([...ids].map((id) => this.flushConversation(id)))
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
        await this.drain(conversationId)
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
    await (await this.opts.db()).put('outbox', next)
    this.items.set(clientId, next)
    this.emit()
    await this.flushConversation(item.conversationId)
  }

  /** Drops an item the user gave up on. */
  async discard(clientId: string): Promise<void> {
    await (await this.opts.db()).delete('outbox', clientId)
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
  }

  private async drain(conversationId: string): Promise<void> {
    const db = await this.opts.db()
    for (;;) {
      if (this.paused || this.disposed) return
      const range = IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity])
      const queued = await db.getAllFromIndex('outbox', 'byConversation', range)
      const item = queued.find((i) => i.status === 'pending')
      if (!item) return

      let message: Message
      try {
        message = await this.opts.send(item)
      } catch (e) {
        const outcome = classifyFailure(e)
        if (outcome === 'unauthorized') {
          this.paused = true
          this.opts.onUnauthorized?.()
          return
        }
        if (outcome === 'retry') {
          await this.save({ ...item, attempts: item.attempts + 1 })
          this.scheduleRetry(conversationId)
          return
        }
        const reason = e instanceof Error && e.message ? e.message : 'The message was refused'
        await this.save({ ...item, status: 'failed', error: reason, attempts: item.attempts + 1 })
        continue
      }

      this.retries.delete(conversationId)
      this.opts.onSent?.(item, message)
      await db.delete('outbox', item.clientId)
      this.items.delete(item.clientId)
      this.emit()
    }
  }

  private async save(item: OutboxItem): Promise<void> {
    await (await this.opts.db()).put('outbox', item)
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
