// Benchmark 4 (the 7): server footprint. The processes are started by run.ts; this
// module turns what was measured on them into rows beside the reference processes.
import { DELIVERY } from './delivery.js'
import { fmt } from './lib/stats.js'
import type { Row } from './lib/table.js'

export interface Footprint {
  /** Spawn until GET /api/health answered 200 (fresh data directory or schema: migrations included). */
  coldStartMs: number
  /** RSS 2 s after becoming healthy, nothing connected. */
  idleRss: number
  /** RSS with the 500 agent sockets connected and ready, before any load. */
  rss500: number
}

export interface FootprintRefs {
  /** The bare Fastify process (bench/servers/noop.mjs), started the same way. */
  noop: { coldStartMs: number; idleRss: number }
  /** The bare ws relay (bench/servers/relay.mjs) with the same 500 sockets. */
  relayRss500: number
}

/** Issue 12's targets: cold start ≤ 1.2x and idle RSS ≤ 1.5x the bare Fastify process. */
const verdict = (ratio: number, max: number) => `≤ ${max}x: ${Number.isFinite(ratio) ? (ratio <= max ? 'pass' : 'FAIL') : 'no verdict'}`

export function footprintRows(db: string, f: Footprint, ref: FootprintRefs): Row[] {
  const bench = 'server footprint'
  return [
    {
      bench, db, metric: 'cold start (spawn → /api/health OK)', value: fmt.ms(f.coldStartMs),
      reference: 'bare Fastify process', refValue: fmt.ms(ref.noop.coldStartMs), compare: fmt.ratio(f.coldStartMs / ref.noop.coldStartMs),
      budget: verdict(f.coldStartMs / ref.noop.coldStartMs, 1.2),
      raw: { coldStartMs: f.coldStartMs, refColdStartMs: ref.noop.coldStartMs },
    },
    {
      bench, db, metric: 'idle RSS', value: fmt.mb(f.idleRss),
      reference: 'bare Fastify process', refValue: fmt.mb(ref.noop.idleRss), compare: fmt.ratio(f.idleRss / ref.noop.idleRss),
      budget: verdict(f.idleRss / ref.noop.idleRss, 1.5),
      raw: { idleRss: f.idleRss, refIdleRss: ref.noop.idleRss },
    },
    {
      bench, db, metric: `RSS with ${DELIVERY.sockets} agent sockets`, value: fmt.mb(f.rss500),
      reference: `bare ws relay, ${DELIVERY.sockets} sockets`, refValue: fmt.mb(ref.relayRss500), compare: fmt.ratio(f.rss500 / ref.relayRss500), budget: '',
      raw: { rss500: f.rss500, refRss500: ref.relayRss500 },
    },
  ]
}
