// Benchmark 4 (the 7): server footprint. The processes are started by run.ts; this
// module turns what was measured on them into rows beside the reference processes.
import { DELIVERY } from './delivery.js'
import { fmt } from './lib/stats.js'
import type { Row } from './lib/table.js'

export interface Footprint {
  /** Spawn until GET /api/health answered 200 (fresh data directory or schema: migrations included), measureColdStarts. */
  cold: ColdStarts
  /** RSS 2 s after becoming healthy, nothing connected. */
  idleRss: number
  /** RSS with the 500 agent sockets connected and ready, before any load. */
  rss500: number
}

export interface FootprintRefs {
  /** The bare Fastify process (bench/servers/noop.mjs), started the same way (its cold starts: Footprint.cold). */
  noop: { idleRss: number }
  /** The bare ws relay (bench/servers/relay.mjs) with the same 500 sockets. */
  relayRss500: number
}

/**
 * Alternating cold starts (reference, Parley, reference, …; BENCH_COLD_ROUNDS, 7 by default), each
 * side's median: single starts of the same process on a shared 2-core VM ranged from 170 to 1,500 ms,
 * so one sample per side is no verdict.
 */
export const COLD_ROUNDS = Math.max(1, Math.round(Number(process.env.BENCH_COLD_ROUNDS) || 7))

export interface ColdStarts {
  /** Medians, ms. */
  parley: number
  reference: number
  parleySamples: number[]
  referenceSamples: number[]
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN
}

/** Starts and stops each side COLD_ROUNDS times, alternating; `start*` resolve once healthy. */
export async function measureColdStarts(
  startParley: () => Promise<{ coldStartMs: number; stop(): Promise<void> }>,
  startReference: () => Promise<{ coldStartMs: number; stop(): Promise<void> }>,
): Promise<ColdStarts> {
  const parleySamples: number[] = []
  const referenceSamples: number[] = []
  for (let i = 0; i < COLD_ROUNDS; i++) {
    for (const [start, into] of [[startReference, referenceSamples], [startParley, parleySamples]] as const) {
      const p = await start()
      into.push(p.coldStartMs)
      await p.stop()
    }
  }
  return { parley: median(parleySamples), reference: median(referenceSamples), parleySamples, referenceSamples }
}

/** Issue 12's targets: cold start ≤ 1.2x and idle RSS ≤ 1.5x the bare Fastify process. */
const verdict = (ratio: number, max: number) => `≤ ${max}x: ${Number.isFinite(ratio) ? (ratio <= max ? 'pass' : 'FAIL') : 'no verdict'}`

export function footprintRows(db: string, f: Footprint, ref: FootprintRefs): Row[] {
  const bench = 'server footprint'
  return [
    {
      bench, db, metric: `cold start (spawn → /api/health OK), median of ${f.cold.parleySamples.length} alternating`, value: fmt.ms(f.cold.parley),
      reference: 'bare Fastify process', refValue: fmt.ms(f.cold.reference), compare: fmt.ratio(f.cold.parley / f.cold.reference),
      budget: verdict(f.cold.parley / f.cold.reference, 1.2),
      raw: { ...f.cold },
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
