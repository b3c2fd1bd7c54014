// A child process that holds many WebSockets (Parley agents or bare-relay listeners) and notes,
// on the system-wide monotonic clock, when each socket first receives each benchmark message.
// Kept out of the process that sends, so receiving 100,000 frames/s does not delay the sends.
import WebSocket from 'ws'
import { nowMs, summarize } from './stats.js'
import type { FarmReply, FarmRequest } from './farm.js'

const MARK = 'bench#'
const EVENT = '"message.created"'
let sockets: WebSocket[] = []
/** The group each socket was connected under (e.g. the server process it listens on). */
let groups: string[] = []
/**
 * When socket i first got message seq, by seq * sockets + i (NaN: not yet). A dense array for the
 * usual runs; a map when that array would be large (the capacity run: many sockets, each message
 * meant for a few of them).
 */
interface Received { get(k: number): number; set(k: number, t: number): void }
const dense = (n: number): Received => {
  const a = new Float64Array(n).fill(NaN)
  return { get: (k) => a[k]!, set: (k, t) => { a[k] = t } }
}
const sparse = (): Received => {
  const m = new Map<number, number>()
  return { get: (k) => m.get(k) ?? NaN, set: (k, t) => { m.set(k, t) } }
}
let received: Received = dense(0)
let messages = 0
let receivedCount = 0
let conversations = 1
let queues = 1
/** Whether socket i is meant to receive message seq (its agent is in the conversation's queue). */
const targets = (seq: number, i: number) => i % queues === (seq % conversations) % queues

function onFrame(i: number, data: WebSocket.RawData) {
  const t = nowMs()
  const s = data.toString()
  const k = s.indexOf(MARK)
  if (k < 0 || !s.includes(EVENT)) return
  let seq = 0
  for (let j = k + MARK.length; j < s.length; j++) {
    const c = s.charCodeAt(j) - 48
    if (c < 0 || c > 9) break
    seq = seq * 10 + c
  }
  if (seq >= messages) return
  const idx = seq * sockets.length + i
  if (Number.isNaN(received.get(idx))) {
    received.set(idx, t)
    receivedCount++
  }
}

function open(url: string, i: number, cookie: string | undefined, hello: boolean, timeoutMs: number): Promise<WebSocket> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(url, { headers: cookie ? { cookie: `parley_session=${cookie}` } : {}, perMessageDeflate: false })
    const timer = setTimeout(() => { ws.terminate(); fail(new Error(`socket ${i} not ready after ${timeoutMs} ms`)) }, timeoutMs)
    const done = () => { clearTimeout(timer); ws.on('message', (d) => onFrame(i, d)); ok(ws) }
    ws.once('error', (err) => { clearTimeout(timer); fail(err) })
    ws.once('open', () => {
      if (!hello) return done()
      ws.send(JSON.stringify({ type: 'hello' }))
      const wait = (d: WebSocket.RawData) => {
        const s = d.toString()
        if (s.includes('"type":"ready"')) { ws.off('message', wait); done() } else if (s.includes('"type":"error"')) { clearTimeout(timer); fail(new Error(s)) }
      }
      ws.on('message', wait)
    })
  })
}

async function handle(req: FarmRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'connect': {
      // Appends: socket i (counting every connect since the last close) is agent i.
      const t0 = nowMs()
      const base = sockets.length
      const list: WebSocket[] = new Array<WebSocket>(req.count)
      let next = 0
      const worker = async () => {
        while (next < req.count) {
          const k = next++
          const url = req.rooms ? `${req.url}?room=${(base + k) % req.rooms}` : req.url
          list[k] = await open(url, base + k, req.cookies?.[k % req.cookies.length], req.hello, 30_000)
        }
      }
      await Promise.all(Array.from({ length: 25 }, worker))
      sockets.push(...list)
      groups.push(...list.map(() => req.group ?? ''))
      return { connected: sockets.length, ms: nowMs() - t0 }
    }
    case 'arm':
      messages = req.messages
      conversations = req.conversations
      queues = req.queues
      received = messages * sockets.length > 4_000_000 ? sparse() : dense(messages * sockets.length)
      receivedCount = 0
      return { ok: true }
    case 'progress': {
      // Deliveries expected for the sends that succeeded.
      let expected = 0
      for (let seq = 0; seq < messages; seq++) {
        if (!Number.isFinite(req.sendTimes[seq]!)) continue
        for (let i = 0; i < sockets.length; i++) if (targets(seq, i)) expected++
      }
      return { received: receivedCount, expected }
    }
    case 'stats': {
      // One latency per (message, socket): every agent's socket counts, the last one served too.
      const lat: number[] = []
      const byGroup = new Map<string, { lat: number[]; missing: number }>()
      for (const g of new Set(groups)) byGroup.set(g, { lat: [], missing: 0 })
      let missing = 0
      const n = sockets.length
      for (let seq = 0; seq < messages; seq++) {
        const sent = req.sendTimes[seq]!
        if (!Number.isFinite(sent)) continue // the send itself failed: counted by the sender
        for (let i = 0; i < n; i++) {
          if (!targets(seq, i)) continue
          const r = received.get(seq * n + i)
          const g = byGroup.get(groups[i]!)!
          if (Number.isNaN(r)) { missing++; g.missing++ } else { lat.push(r - sent); g.lat.push(r - sent) }
        }
      }
      const perGroup = Object.fromEntries([...byGroup].map(([k, v]) => [k, { ...summarize(v.lat), missing: v.missing }]))
      return { ...summarize(lat), missing, groups: perGroup }
    }
    case 'close': {
      await Promise.all(sockets.map((ws) => new Promise<void>((r) => {
        if (ws.readyState === ws.CLOSED) return r()
        const t = setTimeout(() => { ws.terminate(); r() }, 5000)
        ws.once('close', () => { clearTimeout(t); r() })
        ws.close()
      })))
      sockets = []
      groups = []
      return { ok: true }
    }
  }
}

process.on('message', (req: FarmRequest) => {
  handle(req).then(
    (result) => process.send!({ id: req.id, result } satisfies FarmReply),
    (err: unknown) => process.send!({ id: req.id, error: String((err as Error)?.stack ?? err) } satisfies FarmReply),
  )
})
process.on('disconnect', () => process.exit(0))
