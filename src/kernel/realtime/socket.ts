import type { ClientFrame, Conversation, FileRules, QueueStatus, ServerEvent, ServerFrame, User } from '../contract'

export type SocketStatus = 'idle' | 'connecting' | 'open' | 'closed'

/** Where the last seen event id is kept between sessions (the agent app uses IndexedDB). */
export interface CursorStore {
  load(): Promise<number | undefined>
  save(cursor: number): Promise<void> | void
}

export interface RealtimeOptions {
  /** Customers authenticate with their chat token; agents with the session cookie. */
  token?: () => string | null
  cursorStore?: CursorStore
  onEvent?: (event: ServerEvent) => void
  /** After the replay: `reconnected` is false for the first ready of this socket. */
  onReady?: (info: { cursor: number; reset: boolean; reconnected: boolean }) => void
  onTyping?: (frame: { conversationId: string; who: 'agent' | 'customer' }) => void
  onError?: (error: { code: string; message: string }) => void
  /** The admin changed the file rules: applies at once. */
  onSettings?: (files: FileRules) => void
  /** A user's presence changed (mine, from any device; admins get every user's). */
  onUser?: (user: User) => void
  /** Admin sockets: an open conversation of any queue changed (state 'ended' = it left). */
  onSupervisor?: (conversation: Conversation) => void
  /** Customers while queued: their place in line and estimated wait. */
  onQueue?: (status: QueueStatus) => void
  onStatus?: (status: SocketStatus) => void
  /** Builds the WebSocket (tests inject a fake). */
  createSocket?: (url: string) => WebSocket
  backoff?: (attempt: number) => number
}

export function socketUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/api/ws`
}

function defaultBackoff(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6))
  return Math.round(base * (0.5 + Math.random() / 2))
}

/**
 * The realtime connection: hello (with the last cursor), replayed events, ready, live events.
 * Reconnects with backoff and resumes from the cursor.
 */
export class RealtimeSocket {
  private ws: WebSocket | null = null
  private cursor: number | undefined
  private cursorLoaded = false
  private saving = false
  private attempt = 0
  private readyCount = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private stopped = true
  private status: SocketStatus = 'idle'
  private readonly onOnline = () => this.reconnectNow()
  /** Back to the tab: try now instead of waiting out the backoff. */
  private readonly onVisible = () => {
    if (document.visibilityState === 'visible') this.reconnectNow()
  }

  constructor(private readonly opts: RealtimeOptions = {}) {}

  get currentStatus(): SocketStatus {
    return this.status
  }

  get lastCursor(): number | undefined {
    return this.cursor
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline)
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisible)
    void this.connect()
  }

  stop(): void {
    this.stopped = true
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline)
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisible)
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const ws = this.ws
    this.ws = null
    this.inbox = []
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'bye')
    this.setStatus('closed')
  }

  /** Forgets the cursor (sign-out). */
  resetCursor(): void {
    this.cursor = undefined
  }

  /** Sends a frame once the socket is ready (after hello); false when it is not. */
  send(frame: ClientFrame): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN || this.status !== 'open') return false
    this.ws.send(JSON.stringify(frame))
    return true
  }

  sendTyping(conversationId: string): boolean {
    return this.send({ type: 'typing', conversationId })
  }

  /** Try again at once (the network came back). */
  reconnectNow(): void {
    if (this.stopped) return
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.attempt = 0
    void this.connect()
  }

  private setStatus(s: SocketStatus) {
    this.status = s
    this.opts.onStatus?.(s)
  }

  private async connect(): Promise<void> {
    if (this.stopped) return
    if (!this.cursorLoaded && this.opts.cursorStore) {
      this.cursorLoaded = true
      try {
        const saved = await this.opts.cursorStore.load()
        if (typeof saved === 'number' && this.cursor === undefined) this.cursor = saved
      } catch {
        // no stored cursor: start fresh
      }
      if (this.stopped) return
    }
    this.setStatus('connecting')
    let ws: WebSocket
    try {
      ws = this.opts.createSocket ? this.opts.createSocket(socketUrl()) : new WebSocket(socketUrl())
    } catch {
      this.scheduleReconnect()
      return
    }
    this.ws = ws
    ws.onopen = () => {
      const hello: ClientFrame = { type: 'hello' }
      if (this.cursor !== undefined) hello.cursor = this.cursor
      const token = this.opts.token?.()
      if (token) hello.token = token
      ws.send(JSON.stringify(hello))
    }
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return
      let frame: ServerFrame
      try {
        frame = JSON.parse(ev.data) as ServerFrame
      } catch {
        return
      }
      this.receive(frame)
    }
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return
      this.ws = null
      this.setStatus('closed')
      // 4401: the server refused who we are (its error frame said so): retrying can't help.
      if (ev.code === 4401) return
      this.scheduleReconnect()
    }
    ws.onerror = () => {
      // onclose follows
    }
  }

  /** Frames received, not handled yet (see receive). */
  private inbox: ServerFrame[] = []
  private channel: MessageChannel | null = null

  /**
   * Each frame arrives in a task of its own; they are handled together, in order, in one task
   * soon after (a MessageChannel message: timers would be throttled in a background tab). A burst
   * (the events of a batch the outbox sent, a replay) then costs one update of the screen and one
   * write of the offline copy, not one per frame.
   */
  private receive(frame: ServerFrame) {
    this.inbox.push(frame)
    if (this.inbox.length > 1) return
    if (!this.channel) {
      this.channel = new MessageChannel()
      this.channel.port1.onmessage = () => this.handleInbox()
    }
    this.channel.port2.postMessage(0)
  }

  private handleInbox() {
    const frames = this.inbox
    this.inbox = []
    for (const frame of frames) {
      try {
        this.handle(frame)
      } catch (e) {
        // One handler's failure must not drop the frames after it; it is still reported.
        setTimeout(() => {
          throw e
        })
      }
    }
  }

  private handle(frame: ServerFrame) {
    switch (frame.type) {
      case 'event':
        this.opts.onEvent?.(frame.event)
        this.advance(frame.event.id)
        break
      case 'ready': {
        this.attempt = 0
        this.advance(frame.cursor, frame.reset === true)
        this.setStatus('open')
        this.opts.onReady?.({ cursor: frame.cursor, reset: frame.reset === true, reconnected: this.readyCount++ > 0 })
        break
      }
      case 'typing':
        this.opts.onTyping?.({ conversationId: frame.conversationId, who: frame.who })
        break
      case 'error':
        this.opts.onError?.(frame.error)
        break
      case 'settings':
        this.opts.onSettings?.(frame.files)
        break
      case 'user':
        this.opts.onUser?.(frame.user)
        break
      case 'supervisor':
        this.opts.onSupervisor?.(frame.conversation)
        break
      case 'queue':
        this.opts.onQueue?.(frame.status)
        break
    }
  }

  private advance(cursor: number, force = false) {
    if (!force && this.cursor !== undefined && cursor <= this.cursor) return
    this.cursor = cursor
    void this.saveCursor()
  }

  /**
   * Saves the latest cursor, one save at a time: frames that arrive while a save is in flight are
   * covered by the next one, so a burst of frames costs a save or two, not one per frame. A cursor
   * saved late only means a longer replay.
   */
  private async saveCursor() {
    if (this.saving) return
    this.saving = true
    for (let saved: number | undefined; this.cursor !== undefined && this.cursor !== saved;) {
      saved = this.cursor
      await Promise.resolve(this.opts.cursorStore?.save(saved)).catch(() => undefined)
    }
    this.saving = false
  }

  private scheduleReconnect() {
    if (this.stopped || this.timer) return
    const delay = (this.opts.backoff ?? defaultBackoff)(this.attempt++)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.connect()
    }, delay)
  }
}
