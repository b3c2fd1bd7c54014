// Capacity (issue 12, point 6): the most agent sockets one Parley process holds while every agent
// sends one message a minute, with delivery p99 under 50 ms, and its memory per socket. The sockets
// live in the socket farm (a separate process); the server is a fresh SQLite process. Steps grow
// until p99 passes 50 ms, deliveries go missing, sockets can't connect, or the machine's limit
// (BENCH_CAPACITY_MAX, 20,000 by default; the socket farm and the server each need a file
// descriptor per socket, so the process's open-file limit, `ulimit -n`, is the machine's bound) is reached.
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type { Farm } from './lib/farm.js'
import { benchText, openLoop, postJson } from './lib/load.js'
import { checkAgent, seedAgents, startChats } from './lib/seed.js'
import { startParley } from './lib/server.js'
import { fmt, nowMs, sleep } from './lib/stats.js'
import type { Row } from './lib/table.js'

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name])
  return Number.isFinite(v) && v > 0 ? v : fallback
}

export const CAPACITY = {
  /** Socket counts tried, in order (each step adds sockets to the previous ones). */
  steps: [1000, 2500, 5000, 7500, 10_000, 15_000, 20_000].filter((n) => n <= envNumber('BENCH_CAPACITY_MAX', 20_000)),
  /** Agents per queue: each message reaches the sockets of its conversation's queue. */
  queueSize: 10,
  /** Every agent sends one message a minute: sockets / 60 messages a second. */
  perAgentPerMinute: 1,
  /** Seconds measured at each step. */
  seconds: envNumber('BENCH_CAPACITY_SECONDS', 10),
  p99LimitMs: 50,
}

/** The open-file limit of processes started from here (`ulimit -n`): each socket is a file descriptor on both sides. */
function openFileLimit(): string {
  try {
    return `open files per process: ${execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()}`
  } catch {
    return 'open-file limit unknown'
  }
}

export interface CapacityStep {
  sockets: number
  rate: number
  p50: number
  p99: number
  missing: number
  failed: number
  rss: number
  connectMs: number
}

export interface CapacityResult {
  steps: CapacityStep[]
  idleRss: number
  /** Why the steps stopped. */
  stop: string
}

/** Runs the steps on a fresh SQLite Parley process. */
export async function measureCapacity(farm: Farm, log: (s: string) => void): Promise<CapacityResult> {
  const max = CAPACITY.steps.at(-1) ?? 1000
  const server = await startParley()
  const steps: CapacityStep[] = []
  let stop = `reached ${max} sockets (BENCH_CAPACITY_MAX)`
  try {
    await sleep(1500)
    const idleRss = server.rss()
    const queues = Math.ceil(max / CAPACITY.queueSize)
    log(`capacity: seeding ${max} agents in ${queues} queues`)
    const { cookies, addresses } = await seedAgents(server, max, queues)
    await checkAgent(server.url, cookies[0]!)
    // One conversation per queue: a token sends 6 messages a minute, under the 120 per minute limit.
    const tokens = await startChats(server.url, queues, addresses)
    let connected = 0
    for (const target of CAPACITY.steps) {
      log(`capacity: ${target} sockets`)
      const t0 = nowMs()
      try {
        await farm.connect(server.url.replace(/^http/, 'ws') + '/api/ws', target - connected, { cookies: cookies.slice(connected, target), hello: true })
      } catch (err) {
        stop = `connecting ${target} sockets failed (${openFileLimit()}): ${String((err as Error).message ?? err).split('\n')[0]!.slice(0, 120)}`
        break
      }
      const connectMs = nowMs() - t0
      connected = target
      await sleep(1000)
      const rss = server.rss()
      const rate = (target * CAPACITY.perAgentPerMinute) / 60
      const messages = Math.round(rate * CAPACITY.seconds)
      // Agent i sits in queue i % queues; message seq goes to conversation seq % queues, in queue seq % queues.
      await farm.arm(messages, queues, queues)
      const load = await openLoop({
        rate, durationMs: CAPACITY.seconds * 1000,
        send: (seq) => postJson(`${server.url}/api/public/conversation/messages`, { clientId: randomUUID(), text: benchText(seq) },
          { authorization: `Bearer ${tokens[seq % queues]}` }, 201),
      })
      const t1 = nowMs()
      while (nowMs() - t1 < 5000) {
        const p = await farm.progress(load.sendTimes)
        if (p.received >= p.expected) break
        await sleep(250)
      }
      const s = await farm.stats(load.sendTimes)
      steps.push({ sockets: target, rate, p50: s.p50, p99: s.p99, missing: s.missing, failed: load.failed, rss, connectMs })
      log(`capacity: ${target} sockets, p99 ${fmt.ms(s.p99)}, RSS ${fmt.mb(rss)}`)
      // Past the p99 limit the steps go on (the curve and the memory per socket say where the limit
      // is and why), until deliveries are lost or p99 passes 5 s.
      if (s.p99 >= 5000 || s.missing || load.failed) {
        stop = `at ${target} sockets delivery ${s.p99 >= 5000 ? `p99 ${fmt.ms(s.p99)}` : `lost ${s.missing} deliveries and ${load.failed} sends`}`
        break
      }
    }
    return { steps, idleRss, stop }
  } finally {
    await farm.close().catch(() => undefined)
    await server.stop()
  }
}

export function capacityRows(r: CapacityResult): Row[] {
  const bench = `capacity, 1 process, 1 message per agent per minute (queues of ${CAPACITY.queueSize})`
  const ok = r.steps.filter((s) => s.p99 < CAPACITY.p99LimitMs && !s.missing && !s.failed)
  const best = ok.at(-1)
  const largest = r.steps.at(-1)
  const perSocket = largest ? (largest.rss - r.idleRss) / largest.sockets : NaN
  const raw = { ...r, perSocketBytes: perSocket }
  return [
    {
      bench, db: 'sqlite', metric: `agent sockets held with delivery p99 < ${CAPACITY.p99LimitMs} ms`,
      value: best ? `${best.sockets} (p99 ${fmt.ms(best.p99)}, ${fmt.rate(best.rate)} msg/s)` : 'none', reference: 'aim', refValue: '10000',
      compare: best ? fmt.ratio(best.sockets / 10_000) : '—', budget: `stopped: ${r.stop}`, raw,
    },
    {
      bench, db: 'sqlite', metric: 'memory per socket', value: Number.isFinite(perSocket) ? `${(perSocket / 1024).toFixed(1)} KB` : '—',
      reference: 'idle RSS', refValue: fmt.mb(r.idleRss), compare: largest ? `RSS ${fmt.mb(largest.rss)} at ${largest.sockets}` : '—', budget: '', raw: { perSocketBytes: perSocket },
    },
    ...r.steps.map((st) => ({
      bench, db: 'sqlite', metric: `${st.sockets} sockets, ${fmt.rate(st.rate)}: delivery p99 (p50)`, value: `${fmt.ms(st.p99)} (${fmt.ms(st.p50)})`,
      reference: 'limit', refValue: `${CAPACITY.p99LimitMs} ms`, compare: fmt.ratio(st.p99 / CAPACITY.p99LimitMs),
      budget: `RSS ${fmt.mb(st.rss)}, connected in ${(st.connectMs / 1000).toFixed(1)} s${st.missing || st.failed ? `, ${st.missing} missing, ${st.failed} failed` : ''}`,
    })),
  ]
}
