/** Nearest-rank percentile of an ascending array (p in 0..100); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

export interface Summary {
  count: number
  p50: number
  p99: number
  max: number
  mean: number
}

/** Sorts a copy and summarises it. */
export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort()
  let sum = 0
  for (const v of sorted) sum += v
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  }
}

/** Milliseconds on the system-wide monotonic clock: comparable across processes on one machine. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export const fmt = {
  ms: (v: number) => (Number.isFinite(v) ? (v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`) : '—'),
  mb: (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : '—'),
  rate: (v: number) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} msg/s` : '—'),
  ratio: (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '—'),
}
