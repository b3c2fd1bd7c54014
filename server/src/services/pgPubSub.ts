import pg from 'pg'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { currentSchema, horizonPos, readLogTail } from '../db/repositories/events.js'
import type { PubSub, Published } from './pubsub.js'

/** What goes through NOTIFY: "the log grew" (events are read from the log), or a whole non-event message. */
type Wire =
  | { k: 'wake' }
  | { k: 'msg'; msg: Exclude<Published, { kind: 'event' }> }

/** Tuning of the log tail (ms and rows); tests may shorten the timings. */
export interface PgBusOptions {
  /** Rows read from the log per query (500). */
  batch: number
  /**
   * While committed events wait above the horizon, the log is read again after this, doubling up to
   * `maxRetryMs` (2 → 10). The transaction holding the horizon may write no event (a session touch, a
   * receipt flush that moved nothing), so no commit wakes the bus when it ends and a backoff to 100 ms
   * could hold an event that long. Measured (bench/delivery.ts, PostgreSQL, 200 msg/s, three
   * interleaved pairs): p99 57–217 ms at 100, 63–220 ms at 10 — the tail is elsewhere (two cores
   * shared with PostgreSQL), and 10 bounds this cause. Reads happen only while something waits: at
   * most 100 a second.
   */
  retryMs: number
  maxRetryMs: number
  /** The log is read at least this often, in case a notification was lost with a connection (1000). */
  pollMs: number
}

const DEFAULTS: PgBusOptions = { batch: 500, retryMs: 2, maxRetryMs: 10, pollMs: 1000 }

/** Counters for the bench and tests: how often the log was read and how many notifications were sent. */
export interface PgBusStats {
  logReads: number
  notifies: number
  events: number
}

/**
 * PubSub across server processes on one PostgreSQL database.
 *
 * Events are not carried by NOTIFY: every process reads them from the log (`events`), in place
 * order, and hands a subscriber only those placed below the horizon of transactions still running
 * (repositories/events.ts, horizonPos). Below it nothing can be added any more, so a socket that saw
 * an event has seen every event placed before it, and its cursor is safe to replay from — without a
 * lock among writers. An event committed above the horizon waits until the transactions before it
 * end (the log is read again after 2, 4, 8, 10, 10 … ms, or at once on the next notification).
 *
 * NOTIFY only says "the log grew" (at most one notification in flight per process: what is
 * published meanwhile goes with the next one) and carries the other messages (typing, control,
 * revocations) whole. The publishing process reads its own log at once, without waiting for its
 * notification.
 */
export async function createPgPubSub(
  connectionString: string, db: Kysely<DB>, log: (err: unknown) => void = console.error, options: Partial<PgBusOptions> = {},
): Promise<PubSub & { close(): Promise<void>; stats: PgBusStats }> {
  const opts = { ...DEFAULTS, ...options }
  const handlers = new Set<(msg: Published) => void>()
  const stats: PgBusStats = { logReads: 0, notifies: 0, events: 0 }
  // One channel per schema: installs (or test runs) sharing a database never hear each other.
  const CHANNEL = `parley_bus_${((await currentSchema(db)) ?? 'public').replace(/[^a-z0-9_]/gi, '')}`
  let client: pg.Client | undefined
  let closed = false
  // Messages (not events) are delivered in the order their notifications arrived.
  let chain = Promise.resolve()
  // The backend process id(s) of our notifying connection: a notification carries its sender's.
  const ownBackends = new Set<number>()

  const dispatch = (msg: Published) => { for (const h of handlers) h(msg) }

  // --- the log tail ---------------------------------------------------------------------------
  // Everything placed at or below `position` has been dispatched. A process starts at the horizon:
  // what was final before it started is history (sockets replay it from the log).
  let position = (await horizonPos(db)) - 1
  let reading = false
  let again = false
  let retryMs = opts.retryMs
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  /** Reads and dispatches what became final; true when committed events wait above the horizon. */
  async function readOnce(): Promise<boolean> {
    for (;;) {
      // One statement, one snapshot: every event below the horizon is in `rows` (up to the batch size).
      const { horizon, waiting, events: rows } = await readLogTail(db, position, opts.batch)
      stats.logReads++
      for (const r of rows) {
        position = r.event.id
        stats.events++
        dispatch({ kind: 'event', ...r, conversationId: r.event.conversationId })
      }
      if (rows.length === opts.batch) continue
      // Every event placed below the horizon has been dispatched: the stream stands just below it.
      position = Math.max(position, horizon - 1)
      return waiting
    }
  }

  function wake() {
    if (closed) return
    if (reading) {
      again = true
      return
    }
    reading = true
    clearTimeout(retryTimer)
    retryTimer = undefined
    void (async () => {
      let waiting: boolean
      try {
        do {
          again = false
          waiting = await readOnce()
        } while (again && !closed)
      } catch (err) {
        if (!closed) log(err)
        waiting = true
      } finally {
        reading = false
      }
      if (closed) return
      if (waiting) {
        retryTimer = setTimeout(wake, retryMs)
        retryMs = Math.min(opts.maxRetryMs, retryMs * 2)
      } else {
        retryMs = opts.retryMs
      }
    })()
  }
  const pollTimer = setInterval(wake, opts.pollMs)
  pollTimer.unref()

  // --- notifications --------------------------------------------------------------------------
  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString })
    c.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return
      const w = JSON.parse(n.payload) as Wire
      // Our own wake comes back too: this process read its log when it published (one read less per commit).
      if (w.k === 'wake') {
        if (!ownBackends.has(n.processId)) wake()
      }
      else chain = chain.then(() => dispatch(w.msg)).catch(log)
    })
    c.on('error', (err) => {
      log(err)
      if (!closed) setTimeout(() => { connect().catch(log) }, 1000)
    })
    await c.connect()
    await c.query(`LISTEN ${CHANNEL}`)
    client = c
    // Whatever was committed while no one listened.
    wake()
  }
  await connect()

  // One connection, one batch at a time: two connections could reorder the messages of one
  // transaction (a revocation before the control message that explains it). What is published
  // while a batch is on its way goes in the next batch; wakes in one batch collapse into one.
  const notifier = new pg.Pool({ connectionString, max: 1 })
  notifier.on('connect', (c) => { ownBackends.add((c as unknown as { processID: number }).processID) })
  const WAKE = JSON.stringify({ k: 'wake' } satisfies Wire)
  let queued: string[] = []
  let wakeQueued = false
  let sending: Promise<void> | null = null
  const channel = pg.escapeLiteral(CHANNEL)
  function send(): Promise<void> {
    sending ??= (async () => {
      while (queued.length > 0) {
        const batch = queued
        queued = []
        wakeQueued = false
        stats.notifies += batch.length
        // One simple-protocol query, a statement per notification: they run in order in one
        // transaction, and PostgreSQL delivers a transaction's notifications in that order.
        await notifier.query(batch.map((p) => `select pg_notify(${channel}, ${pg.escapeLiteral(p)});`).join('\n')).catch(log)
      }
    })().finally(() => {
      sending = null
    })
    return sending
  }
  return {
    stats,
    publish(msg) {
      if (msg.kind === 'event') {
        // The event is in the log already (published after its commit): read it from there, here at
        // once and in every other process on the notification.
        wake()
        if (wakeQueued) return
        wakeQueued = true
        queued.push(WAKE)
      } else {
        queued.push(JSON.stringify({ k: 'msg', msg } satisfies Wire))
      }
      void send()
    },
    subscribe(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    eventPosition: () => position,
    async close() {
      closed = true
      clearInterval(pollTimer)
      clearTimeout(retryTimer)
      await client?.end().catch(() => undefined)
      await send()
      await notifier.end()
    },
  }
}
