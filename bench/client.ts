// Client-side figures of issue 7 (bundle size, Lighthouse, long thread, outbox drain). They need
// the agent app; until a module measures them, the table says so. Replace a row here with a
// module of its own (see delivery.ts) once it can be measured.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { skipped, type Row } from './lib/table.js'

const WHY = 'not measured yet (needs the agent app)'

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

/** Bundle sizes from the last build's chunk graph (scripts/check-bundle.mjs; run `npm run build` first). */
function bundleRows(): Row[] {
  if (!existsSync('dist/.vite/manifest.json')) {
    return skipped('client load', 'browser', [['agent first-load JS, gzip', '≤ 100 KB'], 'agent first-load CSS, gzip', 'customer page JS + CSS, gzip'], 'no build: run npm run build first')
  }
  const m = JSON.parse(execFileSync(process.execPath, ['scripts/check-bundle.mjs', '--json'], { encoding: 'utf8' })) as {
    agent: { js: number; css: number }; customer: { js: number; css: number }; budgetJs: number
  }
  const row = (metric: string, value: number, budget = ''): Row => ({
    bench: 'client load', db: 'browser', metric, value: kb(value), reference: 'budget', refValue: budget ? kb(m.budgetJs) : '', compare: '', budget, raw: { bytes: value },
  })
  return [
    row('agent first-load JS, gzip', m.agent.js, m.agent.js <= m.budgetJs ? 'pass (≤ 100 KB)' : 'FAIL (≤ 100 KB)'),
    row('agent first-load CSS, gzip', m.agent.css),
    row('customer page JS + CSS, gzip', m.customer.js + m.customer.css),
  ]
}

export function clientRows(): Row[] {
  return [
    ...bundleRows(),
    ...skipped('Lighthouse mobile', 'browser', [['performance score', '≥ 95'], 'FCP, LCP, TBT, CLS'], WHY),
    ...skipped('long conversation', 'browser', ['10,000 messages: time to first paint', ['10,000 messages: rows in the DOM', '≤ 60'], 'prepend 50 older: time, scroll jump'], WHY),
    ...skipped('outbox drain', 'browser', ['1,000 queued messages: time until all acknowledged, in order, once'], WHY),
  ]
}
