// Benchmark 1 (and 3): delivery latency, from the start of a customer's POST until each of the
// connected sockets has the message.created frame, at a fixed message rate.
import { randomUUID } from 'node:crypto'
import type { Farm } from './lib/farm.js'
import { benchText, openLoop, postJson } from './lib/load.js'
import { fmt, nowMs, sleep, type Summary } from './lib/stats.js'
import type { Row } from './lib/table.js'

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name])
  return Number.isFinite(v) && v > 0 ? v : fallback
}

/** The issue's figures; BENCH_SOCKETS, BENCH_RATE and BENCH_SECONDS change them for exploring. */
export const DELIVERY = {
  sockets: Math.round(envNumber('BENCH_SOCKETS', 500)),
  rate: envNumber('BENCH_RATE', 200),
  durationMs: envNumber('BENCH_SECONDS', 15) * 1000,
  /**
   * Two layouts are measured. Split: the agents are spread over this many queues (agent i in
   * queue i % queues) and so are the conversations, so each message reaches sockets / queues
   * agents (10,000 frames/s). All: every agent is also in one queue of all of them, and its
   * conversations' messages reach every socket (100,000 frames/s).
   */
  queues: Math.round(envNumber('BENCH_QUEUES', 10)),
  /** Customer conversations the messages are spread over (sends are limited to 120/min per token). */
  conversations: 250,
}

/** How many queues the agents are split over in a run: DELIVERY.queues, or 1 (everyone). */
export type Layout = number

/** The queue (and relay room) message `seq` goes to: its conversation's queue. */
export const queueOfMessage = (seq: number, queues: Layout) => (seq % DELIVERY.conversations) % queues

export interface DeliveryResult extends Summary {
  missing: number
  /** The same figures for each group of sockets (see Farm.connect). */
  groups: Record<string, Summary & { missing: number }>
  sent: number
  failed: number
  /** Why sends failed, with counts. */
  failures: Record<string, number>
  lagMs: number
}

/**
 * Sends at DELIVERY.rate through `send` while the farm's sockets listen (the farm must be
 * connected); message seq is expected at the sockets of queue queueOfMessage(seq, queues).
 */
export async function measureDelivery(farm: Farm, queues: Layout, send: (seq: number) => Promise<void>): Promise<DeliveryResult> {
  const messages = Math.round((DELIVERY.rate * DELIVERY.durationMs) / 1000)
  await farm.arm(messages, DELIVERY.conversations, queues)
  const load = await openLoop({ rate: DELIVERY.rate, durationMs: DELIVERY.durationMs, send })
  // Let the last frames arrive: until everything is in, nothing came for 3 s, or 10 s passed.
  const t0 = nowMs()
  let last = -1
  let lastChange = t0
  while (nowMs() - t0 < 10_000 && nowMs() - lastChange < 3000) {
    const p = await farm.progress(load.sendTimes)
    if (p.received >= p.expected) break
    if (p.received !== last) { last = p.received; lastChange = nowMs() }
    await sleep(250)
  }
  const stats = await farm.stats(load.sendTimes)
  return { ...stats, sent: load.sent, failed: load.failed, failures: load.failures, lagMs: load.lagMs }
}

/** Customer sends to Parley, spread round-robin over the conversations' tokens. */
export function parleySender(url: string, tokens: string[]) {
  return (seq: number) => postJson(`${url}/api/public/conversation/messages`, { clientId: randomUUID(), text: benchText(seq) },
    { authorization: `Bearer ${tokens[seq % tokens.length]}` }, 201)
}

/** Posts to the bare relay, which broadcasts the body to the sockets of a room (or all of them). */
export function relaySender(url: string, queues: Layout) {
  return (seq: number) => postJson(`${url}/send?room=${queues === 1 ? 'all' : queueOfMessage(seq, queues)}`, { clientId: randomUUID(), text: benchText(seq) }, {}, 204)
}

/** Budget: Parley's p99 within 2x the bare relay's. */
export const P99_BUDGET_RATIO = 2

function lostNote(r: DeliveryResult): string {
  const notes: string[] = []
  if (r.failed) notes.push(`${r.failed} sends failed: ${Object.entries(r.failures).map(([k, v]) => `${v} ${k}`).join(', ')}`)
  if (r.missing) notes.push(`${r.missing} deliveries missing`)
  return notes.length ? ` (${notes.join(', ')})` : ''
}

/** Pass or fail; none when the relay itself lost messages (then the machine, not Parley, was the limit). */
function verdict(r: DeliveryResult, relay: DeliveryResult): string {
  if (!relay.count || relay.failed || relay.missing) return 'no verdict (the relay itself lost messages)'
  return r.p99 / relay.p99 <= P99_BUDGET_RATIO && !r.missing && !r.failed ? 'pass' : 'FAIL'
}

export function deliveryRows(db: string, queues: Layout, r: DeliveryResult, relay: DeliveryResult): Row[] {
  const bench = deliveryBench(queues)
  const ratio99 = r.p99 / relay.p99
  const raw = { ...r, relayP50: relay.p50, relayP99: relay.p99, relayMissing: relay.missing }
  return [
    {
      bench, db, metric: 'p50 POST → agent socket', value: fmt.ms(r.p50) + lostNote(r), reference: 'bare ws relay', refValue: fmt.ms(relay.p50) + lostNote(relay),
      compare: fmt.ratio(r.p50 / relay.p50), budget: '', raw,
    },
    {
      bench, db, metric: 'p99 POST → agent socket', value: fmt.ms(r.p99), reference: 'bare ws relay', refValue: fmt.ms(relay.p99),
      compare: fmt.ratio(ratio99), budget: `≤ ${P99_BUDGET_RATIO}x relay: ${verdict(r, relay)}`, raw,
    },
  ]
}

export const deliveryBench = (queues: Layout) =>
  `delivery, ${DELIVERY.sockets} agent sockets (${queues} queue${queues > 1 ? 's' : ''} of ${Math.ceil(DELIVERY.sockets / queues)}), ${DELIVERY.rate} msg/s`
