// Where else the event loop blocks (issue 12, point 2): a burst of sockets reconnecting far behind
// (each replays about the most a replay sends, 2,000 events) while /api/health is polled; its slowest
// answer is how long everyone else waited.
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import { openDatabase } from '../server/src/db/index.js'
import { seedAgents, startChats } from './lib/seed.js'
import { startParley } from './lib/server.js'
import { fmt, nowMs, sleep } from './lib/stats.js'
import type { Row } from './lib/table.js'

/** 1,990 logged messages: with the chat's own events just under the 2,000 a replay sends (more is a reset). */
export const REPLAY = { events: 1990, sockets: 50 }

export interface ReplayBlock { idleMax: number; duringMax: number; replayMs: number; framesPerSocket: number }

/** On a fresh SQLite process: REPLAY.events logged messages, then REPLAY.sockets agents reconnect from cursor 0 at once. */
export async function measureReplayBlock(): Promise<ReplayBlock> {
  const server = await startParley()
  try {
    const { cookies, addresses } = await seedAgents(server, REPLAY.sockets, 1)
    const [token] = await startChats(server.url, 1, addresses)
    void token
    // The log, written straight into the database (2,000 sends would take 17 chats' rate limits).
    const database = await openDatabase({ databaseUrl: server.databaseUrl, dataDir: server.dataDir })
    try {
      const conv = await database.db.selectFrom('conversations').select(['id', 'queue_id']).executeTakeFirstOrThrow()
      const now = Date.now()
      const rows = Array.from({ length: REPLAY.events }, (_, i) => ({
        type: 'message.created', conversation_id: conv.id, queue_id: conv.queue_id, visibility: 'public' as const, created_at: now + i,
        payload: JSON.stringify({ message: {
          id: randomUUID(), conversationId: conv.id, seq: i + 2, clientId: randomUUID(), authorKind: 'customer', authorName: 'Bench Customer',
          text: `bench replay ${i}: Hello, I ordered a blue jacket last week and it has not arrived yet. Could you check the tracking number for me?`, createdAt: now + i,
        } }),
      }))
      for (let k = 0; k < rows.length; k += 200) await database.db.insertInto('events').values(rows.slice(k, k + 200)).execute()
    } finally {
      await database.close()
    }
    const probe = async () => {
      const t0 = nowMs()
      const res = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(30_000) })
      await res.arrayBuffer()
      return nowMs() - t0
    }
    let idleMax = 0
    const tIdle = nowMs()
    while (nowMs() - tIdle < 1000) { idleMax = Math.max(idleMax, await probe()); await sleep(5) }

    const ws = server.url.replace(/^http/, 'ws') + '/api/ws'
    let frames = 0
    const t0 = nowMs()
    const replays = Promise.all(cookies.map((c) => new Promise<void>((ok, fail) => {
      const s = new WebSocket(ws, { headers: { cookie: `parley_session=${c}` }, perMessageDeflate: false })
      s.once('error', fail)
      s.once('open', () => s.send(JSON.stringify({ type: 'hello', cursor: 0 })))
      s.on('message', (d) => {
        const text = d.toString()
        if (text.startsWith('{"type":"event"')) frames++
        else if (text.includes('"type":"ready"')) { s.close(); ok() }
      })
    })))
    let done = false
    void replays.finally(() => { done = true })
    let duringMax = 0
    while (!done) { duringMax = Math.max(duringMax, await probe()); await sleep(5) }
    await replays
    return { idleMax, duringMax, replayMs: nowMs() - t0, framesPerSocket: frames / REPLAY.sockets }
  } finally {
    await server.stop()
  }
}

export function replayRows(r: ReplayBlock): Row[] {
  return [{
    bench: `event loop: ${REPLAY.sockets} sockets reconnecting ~${REPLAY.events} events behind at once`, db: 'sqlite', metric: 'slowest /api/health meanwhile',
    value: fmt.ms(r.duringMax), reference: 'slowest /api/health idle', refValue: fmt.ms(r.idleMax), compare: `+${fmt.ms(r.duringMax - r.idleMax)}`,
    budget: `all replayed in ${fmt.ms(r.replayMs)} (${Math.round(r.framesPerSocket)} events each)`, raw: { ...r },
  }]
}
