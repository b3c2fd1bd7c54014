// Client load of issue 7: bundle sizes from the build. The figures measured in a browser
// (Lighthouse, the long conversation, the outbox drain) are in browser.ts.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { skipped, type Row } from './lib/table.js'

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
  return bundleRows()
}
