/**
 * One line of the result table: a Parley figure beside the reference measured in the same run.
 * `raw` keeps the unformatted numbers for the JSON file.
 */
export interface Row {
  bench: string
  db: string
  metric: string
  value: string
  reference: string
  refValue: string
  /** Parley relative to the reference: a ratio or a difference. */
  compare: string
  /** The budget and whether it holds ('' when there is none). */
  budget: string
  raw?: Record<string, unknown>
}

const COLUMNS: [keyof Row, string][] = [
  ['bench', 'benchmark'],
  ['db', 'db'],
  ['metric', 'figure'],
  ['value', 'Parley'],
  ['reference', 'reference'],
  ['refValue', 'reference value'],
  ['compare', 'vs. reference'],
  ['budget', 'budget'],
]

/** A Markdown table, padded so it also reads well in a terminal. */
export function renderTable(rows: Row[]): string {
  const cells = rows.map((r) => COLUMNS.map(([k]) => String(r[k] ?? '').replace(/\|/g, '\\|')))
  const widths = COLUMNS.map(([, title], i) => Math.max(title.length, 3, ...cells.map((c) => c[i]!.length)))
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`
  return [
    line(COLUMNS.map(([, title]) => title)),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
  ].join('\n')
}

/** Rows for figures that could not be measured in this run, with the reason; a metric may carry its budget. */
export function skipped(bench: string, db: string, metrics: (string | [metric: string, budget: string])[], why: string): Row[] {
  return metrics.map((m) => {
    const [metric, budget] = typeof m === 'string' ? [m, ''] : m
    return { bench, db, metric, value: why, reference: '', refValue: '', compare: '', budget, raw: { skipped: why } }
  })
}
