// Benchmark 2: customer messages accepted per second with 50 concurrent senders (autocannon),
// beside a bare Fastify route that parses the same body and does nothing.
import { randomUUID } from 'node:crypto'
import autocannon from 'autocannon'
import { benchText } from './lib/load.js'
import { fmt } from './lib/stats.js'
import type { Row } from './lib/table.js'

export const THROUGHPUT = {
  connections: 50,
  /** At most this long per target... */
  maxSeconds: 8,
  /** ...and at most this many requests to Parley (bounded by the conversations' rate limit)... */
  amount: 30_000,
  /** ...and to the bare route, which answers far faster. */
  referenceAmount: 400_000,
  /** Conversations the sends rotate over: amount / conversations stays under 120 per token per minute. */
  conversations: 320,
}

export interface ThroughputResult {
  /** 2xx answers per second over the whole run. */
  perSecond: number
  ok: number
  non2xx: number
  errors: number
  seconds: number
  latencyP99: number
}

/** autocannon against one POST route: every request gets a unique clientId and, round-robin, a token. */
export async function measureThroughput(url: string, path: string, tokens: string[] = [], amount = THROUGHPUT.amount, connections = THROUGHPUT.connections): Promise<ThroughputResult> {
  let n = 0
  let done!: (r: autocannon.Result) => void
  let failed!: (e: Error) => void
  const finished = new Promise<autocannon.Result>((ok, fail) => { done = ok; failed = fail })
  const instance = autocannon({
    url,
    connections,
    amount,
    timeout: 10,
    requests: [{
      method: 'POST',
      path,
      setupRequest: (req) => {
        const i = n++
        req.headers = { ...req.headers, 'content-type': 'application/json', ...(tokens.length ? { authorization: `Bearer ${tokens[i % tokens.length]}` } : {}) }
        req.body = JSON.stringify({ clientId: randomUUID(), text: benchText(i) })
        return req
      },
    }],
  }, (err, result) => (err ? failed(err as Error) : done(result)))
  // autocannon runs until `amount`; the timer bounds it in time as well.
  const timer = setTimeout(() => instance.stop(), THROUGHPUT.maxSeconds * 1000)
  const result = await finished
  clearTimeout(timer)
  return {
    perSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
    latencyP99: result.latency.p99,
  }
}

export function throughputRows(db: string, r: ThroughputResult, noop: ThroughputResult): Row[] {
  const rejected = r.non2xx + r.errors
  return [{
    bench: `send throughput, ${THROUGHPUT.connections} senders`, db, metric: 'customer messages accepted',
    value: fmt.rate(r.perSecond) + (rejected ? ` (${rejected} not accepted)` : ''),
    reference: 'bare Fastify route', refValue: fmt.rate(noop.perSecond), compare: fmt.ratio(r.perSecond / noop.perSecond), budget: '',
    raw: { ...r, refPerSecond: noop.perSecond, refLatencyP99: noop.latencyP99 },
  }]
}

/**
 * The same load spread over several processes of one install (PostgreSQL): the senders split evenly,
 * each process with its own share of the conversations; their accepted messages added up.
 */
export async function measureThroughputSpread(urls: string[], path: string, tokens: string[]): Promise<ThroughputResult> {
  const share = (k: number) => tokens.filter((_, i) => i % urls.length === k)
  const results = await Promise.all(urls.map((u, k) =>
    measureThroughput(u, path, share(k), Math.round(THROUGHPUT.amount / urls.length), Math.round(THROUGHPUT.connections / urls.length))))
  const seconds = Math.max(...results.map((r) => r.seconds))
  const ok = results.reduce((a, r) => a + r.ok, 0)
  return {
    perSecond: ok / seconds, ok, seconds,
    non2xx: results.reduce((a, r) => a + r.non2xx, 0), errors: results.reduce((a, r) => a + r.errors, 0),
    latencyP99: Math.max(...results.map((r) => r.latencyP99)),
  }
}

/** PostgreSQL with two processes beside SQLite's one process, measured in the same run (target ≥ 0.8x). */
export function spreadThroughputRows(r: ThroughputResult, sqlite: ThroughputResult | undefined): Row[] {
  const rejected = r.non2xx + r.errors
  const ratio = sqlite ? r.perSecond / sqlite.perSecond : NaN
  return [{
    bench: `send throughput, ${THROUGHPUT.connections} senders`, db: 'postgres, 2 processes', metric: 'customer messages accepted',
    value: fmt.rate(r.perSecond) + (rejected ? ` (${rejected} not accepted)` : ''),
    reference: 'SQLite, 1 process (this run)', refValue: sqlite ? fmt.rate(sqlite.perSecond) : '—', compare: fmt.ratio(ratio),
    budget: `≥ 0.8x: ${Number.isFinite(ratio) ? (ratio >= 0.8 ? 'pass' : 'FAIL') : 'no verdict'}`, raw: { ...r, sqlitePerSecond: sqlite?.perSecond },
  }]
}
