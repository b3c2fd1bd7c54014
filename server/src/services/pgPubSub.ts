import pg from 'pg'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { currentSchema, getStoredEvent } from '../db/repositories/events.js'
import type { PubSub, Published } from './pubsub.js'


/** What goes through NOTIFY (payloads stop at 8000 bytes, so large events travel by id). */
type Wire =
  | { k: 'event'; id: number }
  /** Small events travel whole, saving every process a read of the log. */
  | { k: 'full'; e: Extract<Published, { kind: 'event' }> }
  | { k: 'msg'; msg: Exclude<Published, { kind: 'event' }> }

/**
 * PubSub across server processes on one PostgreSQL database, with LISTEN/NOTIFY. Each process,
 * the publisher included, hears every notification (large events are read back from the log by
 * id), so every process delivers the same events, in commit order (event inserts hold an
 * advisory lock, so commit order is id order).
 */
export async function createPgPubSub(connectionString: string, db: Kysely<DB>, log: (err: unknown) => void = console.error): Promise<PubSub & { close(): Promise<void> }> {
  const handlers = new Set<(msg: Published) => void>()
  // One channel per schema: installs (or test runs) sharing a database never hear each other.
  const CHANNEL = `parley_bus_${((await currentSchema(db)) ?? 'public').replace(/[^a-z0-9_]/gi, '')}`
  let client: pg.Client | undefined
  let closed = false
  // Deliveries are chained so events leave in the order their notifications arrived.
  let chain = Promise.resolve()

  const dispatch = (msg: Published) => { for (const h of handlers) h(msg) }

  async function onWire(w: Wire) {
    if (w.k === 'event') {
      const stored = await getStoredEvent(db, w.id)
      if (!stored) return
      dispatch({ kind: 'event', ...stored, conversationId: stored.event.conversationId })
    } else if (w.k === 'full') {
      dispatch(w.e)
    } else {
      dispatch(w.msg)
    }
  }

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString })
    c.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return
      const w = JSON.parse(n.payload) as Wire
      chain = chain.then(() => onWire(w)).catch(log)
    })
    c.on('error', (err) => {
      log(err)
      if (!closed) setTimeout(() => { connect().catch(log) }, 1000)
    })
    await c.connect()
    await c.query(`LISTEN ${CHANNEL}`)
    client = c
  }
  await connect()

  // One connection, one batch at a time: two connections could reorder the events of one
  // transaction (a conversation's end before its "Chat ended" message), and listeners would see
  // ids out of order. What is published while a batch is on its way goes in the next batch.
  const notifier = new pg.Pool({ connectionString, max: 1 })
  let queued: string[] = []
  let sending: Promise<void> | null = null
  const channel = pg.escapeLiteral(CHANNEL)
  function send(): Promise<void> {
    sending ??= (async () => {
      while (queued.length > 0) {
        const batch = queued
        queued = []
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
    publish(msg) {
      let payload: string
      if (msg.kind === 'event') {
        payload = JSON.stringify({ k: 'full', e: msg } satisfies Wire)
        // NOTIFY payloads stop at 8000 bytes: larger events go by id and are read from the log.
        if (Buffer.byteLength(payload) > 7500) payload = JSON.stringify({ k: 'event', id: msg.event.id } satisfies Wire)
      } else {
        payload = JSON.stringify({ k: 'msg', msg } satisfies Wire)
      }
      queued.push(payload)
      void send()
    },
    subscribe(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    async close() {
      closed = true
      await client?.end().catch(() => undefined)
      await send()
      await notifier.end()
    },
  }
}
