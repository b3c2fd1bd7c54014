import { nowMs, sleep } from './stats.js'

export interface OpenLoopResult {
  /** When each send started (monotonic ms); NaN for a send that failed or never started. */
  sendTimes: Float64Array
  sent: number
  failed: number
  /** Why sends failed (an HTTP status or an error name), with counts. */
  failures: Record<string, number>
  /** How far the last send started behind its schedule, in ms (the sender keeping up or not). */
  lagMs: number
  elapsedMs: number
}

/**
 * Sends `rate` messages per second for `durationMs` on a fixed schedule (open loop: a slow answer
 * does not slow the schedule), at most `maxInFlight` at once. Bounded in count (rate × duration)
 * and in time (duration + 10 s, each send with its own timeout).
 */
export async function openLoop(opts: { rate: number; durationMs: number; maxInFlight?: number; send: (seq: number) => Promise<void> }): Promise<OpenLoopResult> {
  const total = Math.round((opts.rate * opts.durationMs) / 1000)
  const maxInFlight = opts.maxInFlight ?? 1000
  const sendTimes = new Float64Array(total).fill(NaN)
  const deadline = opts.durationMs + 10_000
  let next = 0, inFlight = 0, failed = 0, lagMs = 0
  const failures: Record<string, number> = {}
  const flights = new Map<Promise<void>, number>()
  let finished = false
  const start = nowMs()

  const fire = (seq: number) => {
    const t = nowMs()
    lagMs = t - start - (seq * 1000) / opts.rate
    sendTimes[seq] = t
    inFlight++
    const p: Promise<void> = opts.send(seq).catch((err: unknown) => {
      if (finished) return // already counted as unanswered
      failed++
      sendTimes[seq] = NaN
      const why = err instanceof Error ? (err.name === 'Error' ? err.message : err.name) : String(err)
      failures[why] = (failures[why] ?? 0) + 1
    }).finally(() => { inFlight--; flights.delete(p) })
    flights.set(p, seq)
  }

  while (next < total && nowMs() - start < deadline) {
    const due = Math.min(total, Math.floor(((nowMs() - start) * opts.rate) / 1000) + 1)
    while (next < due && inFlight < maxInFlight) fire(next++)
    await sleep(1)
  }
  await Promise.race([Promise.all(flights.keys()), sleep(Math.max(0, deadline - (nowMs() - start)))])
  // Whatever is still in flight at the deadline counts as failed, and nothing changes after this.
  finished = true
  for (const seq of flights.values()) {
    failed++
    sendTimes[seq] = NaN
    failures['no answer by the deadline'] = (failures['no answer by the deadline'] ?? 0) + 1
  }
  return { sendTimes: sendTimes.slice(), sent: next, failed, failures: { ...failures }, lagMs, elapsedMs: nowMs() - start }
}

/** A JSON POST that must answer `expect` (else it throws `HTTP <status>`); 10 s timeout. */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, expect: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  await res.arrayBuffer()
  if (res.status !== expect) throw new Error(`HTTP ${res.status}`)
}

/** The text of benchmark message `seq`: the marker the socket farm looks for, then chat-like words. */
export const benchText = (seq: number) => `bench#${seq} Hello, I ordered a blue jacket last week and it has not arrived yet.`
