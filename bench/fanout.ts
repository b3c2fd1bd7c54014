// Benchmark 3: fan-out across two processes on PostgreSQL. Customers post to process A; half the
// agents listen on A, the other half on process B (events reach B by LISTEN/NOTIFY). Both halves
// get the same messages in the same seconds, so their difference is what the second process adds,
// not the noise of another moment on a shared machine.
import { DELIVERY, measureDelivery, parleySender, type DeliveryResult } from './delivery.js'
import type { Farm } from './lib/farm.js'
import { startParley, type Parley } from './lib/server.js'
import { fmt, type Summary } from './lib/stats.js'
import type { Row } from './lib/table.js'

export const fanoutBench = () => `fan-out, 2 processes, ${DELIVERY.sockets} agent sockets (${DELIVERY.queues} queues), ${DELIVERY.rate} msg/s`

/** Starts process B on A's database, connects half the agents to each, measures, stops B. */
export async function measureFanout(farm: Farm, a: Parley, cookies: string[], tokens: string[]): Promise<DeliveryResult> {
  const b = await startParley(a.databaseUrl)
  const ws = (url: string) => url.replace(/^http/, 'ws') + '/api/ws'
  const half = Math.floor(DELIVERY.sockets / 2)
  try {
    await farm.connect(ws(a.url), half, { cookies: cookies.slice(0, half), hello: true, group: 'A' })
    await farm.connect(ws(b.url), DELIVERY.sockets - half, { cookies: cookies.slice(half), hello: true, group: 'B' })
    try {
      return await measureDelivery(farm, DELIVERY.queues, parleySender(a.url, tokens))
    } finally {
      await farm.close()
    }
  } finally {
    await b.stop()
  }
}

/** `relayP99`: the bare relay's p99 in the same layout, this run (target: all agents ≤ 3x it). */
export function fanoutRows(r: DeliveryResult, relayP99: number): Row[] {
  const bench = fanoutBench()
  const db = 'postgres'
  const none: Summary & { missing: number } = { count: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN, missing: 0 }
  const a = r.groups.A ?? none
  const b = r.groups.B ?? none
  const raw = { ...r }
  const notes = r.failed || b.missing ? ` (${r.failed} sends failed, ${b.missing} deliveries missing)` : ''
  const delta = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${fmt.ms(Math.abs(v))}` : '—')
  return [
    { bench, db, metric: 'p50, customer on A → agents on B', value: fmt.ms(b.p50) + notes, reference: 'agents on A, same messages', refValue: fmt.ms(a.p50), compare: delta(b.p50 - a.p50), budget: '', raw },
    {
      bench, db, metric: 'p99, customer on A → agents on B', value: fmt.ms(b.p99), reference: 'agents on A, same messages', refValue: fmt.ms(a.p99), compare: `${delta(b.p99 - a.p99)} added`,
      budget: `≤ +2 ms: ${Number.isFinite(b.p99 - a.p99) ? (b.p99 - a.p99 <= 2 ? 'pass' : 'FAIL') : 'no verdict'}`, raw,
    },
    {
      bench, db, metric: 'p99, all agents (A and B)', value: fmt.ms(r.p99), reference: 'bare ws relay, same layout', refValue: fmt.ms(relayP99), compare: fmt.ratio(r.p99 / relayP99),
      budget: `≤ 3x relay: ${Number.isFinite(r.p99 / relayP99) ? (r.p99 / relayP99 <= 3 && !r.missing && !r.failed ? 'pass' : 'FAIL') : 'no verdict'}`, raw,
    },
  ]
}
