import type { Duplex } from 'node:stream'
import type { RawData, WebSocket } from 'ws'
import type { ClientFrame, FileRules, ServerEvent, ServerFrame, User } from '../api-types.js'
import { agentCanSee, conversationState, queueIdsOf, toPublicConversation } from '../db/repositories/conversations.js'
import { clearViewingMarks, renewViewing, setViewing } from '../db/repositories/pushDevices.js'
import { liveSessionIds } from '../db/repositories/sessions.js'
import type { SessionInfo } from '../plugins/auth.js'
import type { AppContext } from './context.js'
import { conversationIdForToken, hashToken, liveCustomerTokens } from './conversations.js'
import { countEvents, latestEventId, readEvents, type StoredEvent } from '../db/repositories/events.js'
import { parseClientFrame } from './frames.js'
import type { Published, RevokeReason, Visibility } from './pubsub.js'
import { getFileRules } from './fileRules.js'
import { withSignedUrls } from './signedUrls.js'
import { createQueueWatch, type QueueWatcher } from './queueWatch.js'
import { createSocketRouter, type RouteHandle } from './socketRouter.js'

/** Event frames as sent, keyed by the event object that all sockets share. */
const frameCache = new WeakMap<ServerEvent, string>()
/** The `supervisor` frame of an event, serialised once for every admin socket of this process. */
const supervisorFrames = new WeakMap<ServerEvent, string>()

/**
 * Sockets whose event frames wait for the end of this tick, to leave in one write each. The bus
 * hands over events in runs (a page of the log on PostgreSQL, a transaction's events), and each
 * `ws.send` alone is one writev: the biggest share of a busy process's time (bench/delivery.ts,
 * --cpu-prof). `ws` has no public cork; its `_socket` is the net.Socket it writes to (ws 8), and
 * without one this does nothing.
 */
const corked = new Set<Duplex>()
function corkForThisTick(ws: WebSocket) {
  const raw = (ws as unknown as { _socket?: Duplex | null })._socket
  if (!raw || typeof raw.cork !== 'function' || corked.has(raw)) return
  if (corked.size === 0) process.nextTick(uncorkAll)
  raw.cork()
  corked.add(raw)
}
function uncorkAll() {
  for (const s of corked) s.uncork()
  corked.clear()
}

/** Each ping interval is cut into this many ticks, each pinging its share of the sockets. */
const PING_SLICES = 25

/** Past this many missed events a client is told to reload instead of replaying. */
const MAX_REPLAY = 2000
/** A replay is read and sent this many events at a time, the event loop free in between. */
const REPLAY_PAGE = 200

/** setTimeout takes at most 2^31-1 ms (24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Limits and timings of the realtime socket (all in ms unless said otherwise). The defaults are the
 * product's; tests shorten the timings.
 */
export interface RealtimeOptions {
  /** A socket must send `hello` within this, or it is closed 4408 (default 10 s). */
  helloTimeoutMs: number
  /** Ping interval: a socket that missed a pong by the next one is dropped; viewing leases are renewed (25 s). */
  pingMs: number
  /** How long a device's viewing mark holds without renewal (60 s: two pings and a margin). */
  viewingLeaseMs: number
  /** `typing` is relayed at most once per this, per conversation and sender (2 s). */
  typingIntervalMs: number
  /** Token bucket per socket: burst size and refill per second (20 frames, 5 per second). */
  frameBurst: number
  framesPerSecond: number
  /**
   * Frames past an empty bucket are dropped (one `rate_limited` error frame per run); this many
   * more than the bucket allows closes the socket with 4429 (50).
   */
  frameOverflow: number
  /** Every open socket's session or chat token is checked against the database this often (60 s). */
  sessionCheckMs: number
}

export const DEFAULT_REALTIME: RealtimeOptions = {
  helloTimeoutMs: 10_000,
  pingMs: 25_000,
  viewingLeaseMs: 60_000,
  typingIntervalMs: 2_000,
  frameBurst: 20,
  framesPerSecond: 5,
  frameOverflow: 50,
  sessionCheckMs: 60_000,
}

/**
 * Close codes (RFC 6455 leaves 4000-4999 to applications; ours mirror HTTP statuses):
 * 4400 a malformed hello; 4401 not authenticated, a frame before hello, or the session/token
 * ended; 4408 no hello in time; 4429 too many frames; 1011 a server fault.
 */
export const CLOSE = { badHello: 4400, unauthorized: 4401, helloTimeout: 4408, rateLimited: 4429, internal: 1011 } as const

type Identity =
  | { kind: 'agent'; user: User; sessionId: string; queueIds: Set<string> }
  | { kind: 'customer'; conversationId: string; token: string }

interface Log {
  error(obj: unknown, msg: string): void
}

const REVOKED_MESSAGE: Record<RevokeReason, string> = {
  signed_out: 'You signed out',
  password_changed: 'Your password was changed: please sign in again',
  deactivated: 'Your account was deactivated',
  device_blocked: 'This device was blocked by an admin: please sign in again',
  expired: 'Your session has expired: please sign in again',
}

/** One accepted socket, as the hub sees it. */
interface Conn {
  readonly socket: WebSocket
  /** sha256 of the session cookie the socket was opened with (known before the lookup ends). */
  readonly sessionId: string | undefined
  identity: Identity | undefined
  /** The device whose viewing mark this socket holds, and the conversation it marks. */
  viewing: { deviceId: string; conversationId: string | null } | undefined
  alive: boolean
  /** Which of the PING_SLICES ticks of each ping interval pings this socket. */
  readonly pingSlice: number
  closed: boolean
  /** A revocation heard before the identity was known; hello refuses the session then. */
  revokedEarly: RevokeReason | undefined
  fail(code: string, message: string, closeCode: number): void
  revoke(reason: RevokeReason): void
  relayTyping(conversationId: string): Promise<void>
}

export interface RealtimeHub {
  /**
   * Takes a just-upgraded socket. `sessionToken` is the session cookie's value (agents); the
   * session is looked up at once, while the client's hello is on its way.
   */
  accept(socket: WebSocket, sessionToken: string | undefined, lookup: (token: string | undefined) => Promise<SessionInfo | undefined>): void
  /** Clears viewing marks left by a previous run (call once at start). */
  start(): Promise<void>
  close(): void
}

const toText = (raw: RawData): string =>
  Buffer.isBuffer(raw) ? raw.toString('utf8') : Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw).toString('utf8')

/**
 * The realtime hub of one process: every socket's life (hello, authentication, replay, live
 * events), the per-socket frame checks and limits, the typing throttle, the viewing leases, and
 * the closing of sockets whose session or chat token ended (announced on ctx.pubsub by any
 * process, or found by the periodic check).
 */
export function createRealtimeHub(ctx: AppContext, options: Partial<RealtimeOptions> = {}, log: Log = console): RealtimeHub {
  const opts: RealtimeOptions = { ...DEFAULT_REALTIME, ...options }
  const conns = new Set<Conn>()
  // Sockets are spread over the ping ticks in turn (see pingTimer).
  let nextPingSlice = 0
  // Waiting customers' place in line; agents' apps receiving customer messages ("Delivered").
  const queueWatch = createQueueWatch(ctx, log)

  // Typing throttle, per sender and conversation, in this process. With several processes a
  // sender whose sockets sit on different processes could be relayed once per process.
  const typingSlots = new Map<string, { last: number; pending: ReturnType<typeof setTimeout> | undefined }>()
  function throttleTyping(key: string, run: () => void) {
    const now = Date.now()
    const slot = typingSlots.get(key)
    if (!slot || now - slot.last >= opts.typingIntervalMs) {
      typingSlots.set(key, { last: now, pending: slot?.pending })
      run()
      return
    }
    // Within the interval: one relay at its end (a frame that came a little early, e.g. network
    // jitter against the client's own 2 s throttle, is late rather than lost); the rest are dropped.
    if (slot.pending) return
    slot.pending = setTimeout(() => {
      slot.pending = undefined
      slot.last = Date.now()
      run()
    }, slot.last + opts.typingIntervalMs - now)
    slot.pending.unref()
  }

  // The file rules, read once per process and per change, not once per socket. `rulesVersion`
  // counts changes, so a hello that read them while one came in reads them again.
  // Read again after a minute anyway, in case a change notice from another process was lost.
  let fileRules: Promise<FileRules> | undefined
  let fileRulesRead = 0
  let rulesVersion = 0
  const currentFileRules = (): Promise<FileRules> => {
    if (fileRules && Date.now() - fileRulesRead > opts.sessionCheckMs) fileRules = undefined
    if (!fileRules) fileRulesRead = Date.now()
    fileRules ??= getFileRules(ctx.db).catch((err: unknown) => {
      fileRules = undefined
      throw err
    })
    return fileRules
  }
  async function freshFileRules(): Promise<FileRules> {
    for (;;) {
      const version = rulesVersion
      const files = await currentFileRules()
      if (version === rulesVersion) return files
    }
  }

  // One subscription for the whole process: the router hands each message to the sockets it may concern.
  const router = createSocketRouter()
  const unsubscribe = ctx.pubsub.subscribe((p) => {
    router.dispatch(p)
    if (p.kind === 'control' && p.control === 'settings.changed') {
      rulesVersion++
      fileRules = undefined
      // One read and one serialisation for every socket of this process.
      freshFileRules().then((files) => {
        const text = JSON.stringify({ type: 'settings', files } satisfies ServerFrame)
        for (const c of conns) if (c.identity && c.socket.readyState === c.socket.OPEN) c.socket.send(text)
      }, (err: unknown) => log.error({ err }, 'reading the file rules failed'))
    } else if (p.kind === 'sessions.revoked') {
      const ids = new Set(p.sessionIds)
      for (const c of conns) {
        if (c.identity?.kind === 'customer') continue
        const match = (c.sessionId !== undefined && ids.has(c.sessionId)) || (p.userId !== null && c.identity?.kind === 'agent' && c.identity.user.id === p.userId)
        if (match) c.revoke(p.reason)
      }
    } else if (p.kind === 'customer.revoked') {
      for (const c of conns) {
        if (c.identity?.kind === 'customer' && c.identity.conversationId === p.conversationId) c.fail('unauthorized', 'This chat link is not valid any more', CLOSE.unauthorized)
      }
    }
  })

  // Pings drop sockets that stopped answering (a phone that lost its network says nothing), and
  // renew the viewing leases of the sockets still here. Each socket is pinged once per pingMs, but
  // the sockets are spread over PING_SLICES ticks: pinging 15,000 at once held the event loop for
  // ~0.3 s every 25 s (delivery p99 293 ms in bench/capacity.ts).
  let pingTick = 0
  const pingTimer = setInterval(() => {
    const slice = pingTick++ % PING_SLICES
    const renew: string[] = []
    for (const c of conns) {
      if (c.pingSlice !== slice) continue
      if (!c.alive) {
        c.socket.terminate()
        continue
      }
      c.alive = false
      c.socket.ping()
      if (c.viewing?.conversationId && c.identity?.kind === 'agent') renew.push(c.viewing.deviceId)
    }
    if (renew.length) {
      renewViewing(ctx.db, [...new Set(renew)], Date.now() + opts.viewingLeaseMs)
        .catch((err: unknown) => log.error({ err }, 'viewing lease renewal failed'))
    }
    if (slice !== 0) return
    const stale = Date.now() - opts.typingIntervalMs
    for (const [key, slot] of typingSlots) if (!slot.pending && slot.last < stale) typingSlots.delete(key)
  }, opts.pingMs / PING_SLICES)
  pingTimer.unref()

  // Backstop for anything that ended a session without announcing it (or an announcement lost with
  // a dropped database connection): REST would answer 401, so the socket goes too.
  let checking = false
  const checkTimer = setInterval(() => {
    if (checking) return
    checking = true
    checkSessions().catch((err: unknown) => log.error({ err }, 'session check failed')).finally(() => { checking = false })
  }, opts.sessionCheckMs)
  checkTimer.unref()

  async function checkSessions() {
    const agents = [...conns].filter((c) => c.identity?.kind === 'agent')
    const ids = [...new Set(agents.map((c) => (c.identity as Extract<Identity, { kind: 'agent' }>).sessionId))]
    const live = new Set<string>()
    for (let i = 0; i < ids.length; i += 500) {
      for (const id of await liveSessionIds(ctx.db, ids.slice(i, i + 500))) live.add(id)
    }
    for (const c of agents) if (c.identity?.kind === 'agent' && !live.has(c.identity.sessionId)) c.revoke('expired')
    const customers = [...conns].filter((c) => c.identity?.kind === 'customer')
    const tokens = customers.map((c) => (c.identity as Extract<Identity, { kind: 'customer' }>).token)
    const liveTokens = await liveCustomerTokens(ctx, tokens)
    for (const c of customers) {
      if (c.identity?.kind !== 'customer') continue
      if (liveTokens.get(c.identity.token) !== c.identity.conversationId) c.fail('unauthorized', 'This chat link is not valid any more', CLOSE.unauthorized)
    }
  }

  async function start() {
    // A previous run's sockets are gone: their marks go. On PostgreSQL other processes may be
    // running with live marks, so only lapsed leases are cleared; the others lapse by themselves.
    await clearViewingMarks(ctx.db, ctx.kind === 'postgres' ? Date.now() : undefined)
  }

  function accept(socket: WebSocket, sessionToken: string | undefined, lookup: (token: string | undefined) => Promise<SessionInfo | undefined>) {
    // Looked up at once: the hello is usually already on its way. Errors surface at hello.
    const session = lookup(sessionToken)
    session.catch(() => undefined)
    const conn = openConn(socket, sessionToken ? hashToken(sessionToken) : undefined, session)
    conns.add(conn)
    socket.on('close', () => conns.delete(conn))
  }

  /**
   * One socket's life: wait for hello, authenticate, replay what was missed since the client's
   * cursor, then stream live events. Live events that arrive during the replay are buffered and
   * sent after it, skipping ids already sent, so each event reaches the client exactly once.
   * Every frame is checked (frames.ts) before use; nothing a frame holds can throw out of here.
   */
  function openConn(socket: WebSocket, sessionId: string | undefined, session: Promise<SessionInfo | undefined>): Conn {
    let identity: Identity | undefined
    let helloSeen = false
    let replaying = true
    let lastSent = 0
    const buffer: StoredEvent[] = []
    let route: RouteHandle | undefined
    let expiryTimer: ReturnType<typeof setTimeout> | undefined
    // Frames after hello run one at a time, in order, once hello is done.
    let chain: Promise<void> = Promise.resolve()
    // Token bucket: may go below zero down to -frameOverflow, where the socket is closed.
    let tokens = opts.frameBurst
    let refilledAt = Date.now()
    let droppedRun = false
    let watcher: QueueWatcher | undefined

    const send = (frame: ServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
    }

    const conn: Conn = {
      socket,
      sessionId,
      get identity() { return identity },
      set identity(v) { identity = v },
      viewing: undefined,
      alive: true,
      pingSlice: nextPingSlice++ % PING_SLICES,
      closed: false,
      revokedEarly: undefined,
      fail(code, message, closeCode) {
        if (conn.closed) return
        conn.closed = true
        send({ type: 'error', error: { code, message } })
        socket.close(closeCode, code)
      },
      revoke(reason) {
        if (!identity) {
          // Still opening: hello refuses it (a customer hello on the same browser is unaffected).
          conn.revokedEarly = reason
          return
        }
        conn.fail(reason === 'deactivated' ? 'deactivated' : 'unauthorized', REVOKED_MESSAGE[reason], CLOSE.unauthorized)
      },
      relayTyping,
    }

    const helloTimer = setTimeout(() => {
      if (!helloSeen) conn.fail('hello_timeout', 'Say hello first', CLOSE.helloTimeout)
    }, opts.helloTimeoutMs)
    helloTimer.unref()

    const visible = (p: { queueId: string; conversationId: string; visibility: Visibility }): boolean => {
      if (!identity) return false
      if (identity.kind === 'customer') return p.conversationId === identity.conversationId && p.visibility !== 'internal'
      return p.visibility !== 'customer' && identity.queueIds.has(p.queueId)
    }

    /** Customers get the public shape of a conversation, never the agents' one, and signed file URLs. */
    const shape = (event: ServerEvent): ServerEvent => {
      if (identity?.kind !== 'customer') return event
      if ((event.type === 'conversation.created' || event.type === 'conversation.updated') && 'queue' in event.data.conversation) {
        return { ...event, data: { conversation: toPublicConversation(event.data.conversation) } }
      }
      if (event.type === 'message.created' && event.data.message.attachments?.length) {
        return { ...event, data: { message: withSignedUrls(ctx.signer, event.data.message) } }
      }
      return event
    }

    const deliver = (p: StoredEvent) => {
      if (p.event.id <= lastSent) return
      lastSent = p.event.id
      if (socket.readyState !== socket.OPEN) return
      const shaped = shape(p.event)
      // Serialised once per event and shared by every socket that gets the same shape.
      let text = frameCache.get(shaped)
      if (!text) {
        text = JSON.stringify({ type: 'event', event: shaped } satisfies ServerFrame)
        frameCache.set(shaped, text)
      }
      corkForThisTick(socket)
      socket.send(text)
      if (identity?.kind === 'agent' && shaped.type === 'message.created' && shaped.data.message.authorKind === 'customer') {
        queueWatch.delivered(shaped.conversationId, shaped.data.message.seq)
      }
    }

    const onPublished = (p: Published) => {
      if (p.kind === 'control') return control(p.control, p.userId)
      if (p.kind === 'user') {
        // My own presence (my other devices, or the server setting me Away), and everyone's for admins.
        if (identity?.kind === 'agent' && (identity.user.id === p.user.id || identity.user.role === 'admin')) send({ type: 'user', user: p.user })
        return
      }
      if (p.kind === 'event' && !replaying && p.visibility !== 'customer') supervise(p.event)
      if (p.kind === 'typing') {
        // Typing goes to the other side only.
        const side = identity?.kind === 'customer' ? 'customer' : 'agent'
        if (p.from !== side && visible({ ...p, visibility: 'public' })) send(p.frame)
        return
      }
      if (p.kind !== 'event' || !visible(p)) return
      if (replaying) buffer.push(p)
      else deliver(p)
    }

    /** Admins' "All open" view hears of every conversation in every queue (serialised once per event). */
    const supervise = (event: ServerEvent) => {
      if (identity?.kind !== 'agent' || identity.user.role !== 'admin') return
      if (event.type !== 'conversation.created' && event.type !== 'conversation.updated') return
      const conversation = event.data.conversation
      if (!('queue' in conversation) || socket.readyState !== socket.OPEN) return
      let text = supervisorFrames.get(event)
      if (!text) {
        text = JSON.stringify({ type: 'supervisor', conversation } satisfies ServerFrame)
        supervisorFrames.set(event, text)
      }
      socket.send(text)
    }

    const control = (kind: 'user.deactivated' | 'membership.changed' | 'settings.changed', userId: string | null) => {
      if (kind === 'settings.changed') return // sent by the hub to every socket at once
      if (identity?.kind !== 'agent' || (userId && userId !== identity.user.id)) return
      if (kind === 'user.deactivated') return conn.fail('deactivated', REVOKED_MESSAGE.deactivated, CLOSE.unauthorized)
      const agent = identity
      queueIdsOf(ctx.db, agent.user.id).then((ids) => {
        agent.queueIds = new Set(ids)
        route?.update()
      }, () => undefined)
    }

    /** Closes the socket when its session runs out (sessions last 30 days: re-armed past 24.8). */
    const armExpiry = (expiresAt: number) => {
      const left = expiresAt - Date.now()
      if (left <= 0) return conn.revoke('expired')
      expiryTimer = setTimeout(() => armExpiry(expiresAt), Math.min(left, MAX_TIMER_MS))
      expiryTimer.unref()
    }

    async function hello(frame: Extract<ClientFrame, { type: 'hello' }>) {
      let sessionEnds = 0
      if (frame.token) {
        const conversationId = await conversationIdForToken(ctx, frame.token)
        if (!conversationId) return conn.fail('unauthorized', 'This chat link is not valid any more', CLOSE.unauthorized)
        identity = { kind: 'customer', conversationId, token: frame.token }
      } else {
        const s = await session
        const queueIds = s ? await queueIdsOf(ctx.db, s.user.id) : []
        // Checked after the last await: a revocation heard while this ran refuses the session.
        if (!s || !sessionId || conn.revokedEarly) return conn.fail('unauthorized', conn.revokedEarly ? REVOKED_MESSAGE[conn.revokedEarly] : 'Please sign in', CLOSE.unauthorized)
        identity = { kind: 'agent', user: s.user, sessionId, queueIds: new Set(queueIds) }
        sessionEnds = s.expiresAt
      }
      if (conn.closed) return
      if (identity.kind === 'agent') armExpiry(sessionEnds)
      const who = identity
      route = router.add({
        keys: () => (who.kind === 'customer' ? { kind: 'customer', conversationId: who.conversationId } : { kind: 'agent', queueIds: who.queueIds, admin: who.user.role === 'admin' }),
        handle: onPublished,
      })
      // The replay reads the log up to where the bus stood when this socket subscribed: every later
      // event reaches onPublished (buffered until the replay is sent). On PostgreSQL that is below
      // the horizon of running transactions (pgPubSub.ts), so a cursor given out is never passed by
      // an event committed later; on SQLite (one writer) the log's newest id.
      // Given out as a cursor, it is the place of an event (the newest at or below the bus's position,
      // equivalent for a replay), so a cursor above the whole log means a wiped or foreign log.
      const position = ctx.pubsub.eventPosition?.()
      const upTo = await latestEventId(ctx.db, ctx.kind, position)
      // The file rules as they are now, sent with ready: a change the admin made after the app read
      // them over HTTP but before this socket subscribed would otherwise never reach it (changes
      // after the subscription come as a control message).
      const files = await freshFileRules()

      const cursor = frame.cursor
      let reset = false
      if (cursor === undefined) {
        lastSent = upTo
      } else if (cursor > upTo) {
        // Ahead of this process (another one streamed further): nothing to replay, unless the client
        // saw a log this server doesn't have (data wiped or another install): then reload.
        reset = cursor > await latestEventId(ctx.db, ctx.kind)
        lastSent = reset ? upTo : cursor
      } else {
        const scope = identity.kind === 'customer' ? { conversationId: identity.conversationId } : { queueIds: [...identity.queueIds] }
        if (await countEvents(ctx.db, ctx.kind, { cursor, upTo }, scope, MAX_REPLAY + 1) > MAX_REPLAY) {
          reset = true
          lastSent = upTo
        } else {
          // Page by page, yielding between pages: many sockets replaying at once (a reconnect after a
          // restart) must not hold the event loop for seconds (bench/eventloop.ts).
          lastSent = cursor
          for (let from = cursor; ;) {
            const page = await readEvents(ctx.db, ctx.kind, { cursor: from, upTo }, scope, REPLAY_PAGE)
            for (const e of page) deliver(e)
            if (page.length < REPLAY_PAGE || conn.closed) break
            from = page.at(-1)!.event.id
            await new Promise((r) => setImmediate(r))
          }
        }
      }
      replaying = false
      for (const p of buffer.splice(0)) deliver(p)
      send({ type: 'settings', files })
      send({ type: 'ready', cursor: Math.max(lastSent, upTo), ...(reset ? { reset: true } : {}) })
      if (identity.kind === 'customer' && !conn.closed) {
        watcher = { conversationId: identity.conversationId, send }
        queueWatch.add(watcher)
      }
    }

    function typing(conversationId: string) {
      if (!identity) return
      // The sender: a customer is their conversation's token holder, an agent their user.
      const sender = identity.kind === 'customer' ? `c:${identity.conversationId}` : `a:${identity.user.id}`
      throttleTyping(`${sender}|${conversationId}`, () => {
        relayTyping(conversationId).catch((err: unknown) => log.error({ err }, 'typing relay failed'))
      })
    }

    async function relayTyping(conversationId: string) {
      if (!identity || conn.closed) return
      if (identity.kind === 'customer') {
        if (conversationId !== identity.conversationId) return
      } else if (!(await agentCanSee(ctx.db, identity.user.id, conversationId))) {
        return
      }
      const conv = await conversationState(ctx.db, conversationId)
      if (!conv || conv.state === 'ended') return
      const from = identity.kind === 'customer' ? 'customer' : 'agent'
      ctx.pubsub.publish({ kind: 'typing', frame: { type: 'typing', conversationId, who: from }, queueId: conv.queue_id, conversationId, from })
    }

    /** Remembers what this device shows, so it gets no push for that conversation while the lease holds. */
    async function viewing(conversationId: string | null, deviceId: string | undefined) {
      if (identity?.kind !== 'agent' || deviceId === undefined) return
      const marked = await setViewing(ctx.db, deviceId, identity.user.id, conversationId, conversationId === null ? null : Date.now() + opts.viewingLeaseMs)
      // Only the user's own device can be marked; a socket closed meanwhile leaves no mark.
      if (marked) conn.viewing = { deviceId, conversationId }
      if (conn.closed) clearViewing()
    }

    function clearViewing() {
      const v = conn.viewing
      if (!v || identity?.kind !== 'agent') return
      conn.viewing = undefined
      setViewing(ctx.db, v.deviceId, identity.user.id, null, null)
        .catch(() => undefined) // the database may be closing with the server; the lease lapses anyway
    }

    /** Takes a bucket token; false when the frame must be dropped (the socket may be closed). */
    function admit(): boolean {
      const now = Date.now()
      tokens = Math.min(opts.frameBurst, tokens + ((now - refilledAt) / 1000) * opts.framesPerSecond)
      refilledAt = now
      tokens -= 1
      if (tokens >= 0) {
        droppedRun = false
        return true
      }
      if (tokens <= -opts.frameOverflow) {
        conn.fail('rate_limited', 'Too many frames', CLOSE.rateLimited)
      } else if (!droppedRun) {
        droppedRun = true
        send({ type: 'error', error: { code: 'rate_limited', message: 'Too many frames: some were dropped' } })
      }
      return false
    }

    function onMessage(raw: RawData, isBinary: boolean) {
      if (conn.closed || !admit()) return
      const check = isBinary ? { ok: false as const, message: 'Frames must be JSON text' } : parseClientFrame(toText(raw))
      if (!helloSeen) {
        if (check.ok && check.frame.type === 'hello') {
          helloSeen = true
          clearTimeout(helloTimer)
          const frame = check.frame
          chain = hello(frame).catch((err: unknown) => {
            log.error({ err }, 'socket hello failed')
            conn.fail('internal', 'Could not start the session', CLOSE.internal)
          })
        } else if (!check.ok && check.type === 'hello') {
          conn.fail('bad_request', check.message, CLOSE.badHello)
        } else {
          conn.fail('hello_required', 'The first frame must be hello', CLOSE.unauthorized)
        }
        return
      }
      if (!check.ok) return send({ type: 'error', error: { code: 'bad_request', message: check.message } })
      const frame = check.frame
      if (frame.type === 'hello') return send({ type: 'error', error: { code: 'already_started', message: 'This socket already said hello' } })
      chain = chain.then(async () => {
        if (conn.closed) return
        if (frame.type === 'typing') typing(frame.conversationId)
        else if (frame.type === 'viewing') await viewing(frame.conversationId, frame.deviceId)
      }).catch((err: unknown) => log.error({ err }, 'socket frame failed'))
    }

    socket.on('message', (raw, isBinary) => {
      try {
        onMessage(raw, isBinary)
      } catch (err) {
        // Nothing a frame holds may stop the process; a fault here ends this socket only.
        log.error({ err }, 'socket frame failed')
        conn.fail('internal', 'Something went wrong on the server', CLOSE.internal)
      }
    })
    socket.on('pong', () => { conn.alive = true })
    socket.on('close', () => {
      conn.closed = true
      clearTimeout(helloTimer)
      clearTimeout(expiryTimer)
      route?.remove()
      if (watcher) queueWatch.remove(watcher)
      clearViewing()
    })
    return conn
  }

  return {
    accept,
    start,
    close() {
      clearInterval(pingTimer)
      clearInterval(checkTimer)
      unsubscribe()
      queueWatch.close()
      for (const slot of typingSlots.values()) clearTimeout(slot.pending)
      typingSlots.clear()
    },
  }
}
