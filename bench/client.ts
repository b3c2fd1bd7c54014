// Client-side figures of issue 7 (bundle size, Lighthouse, long thread, outbox drain). They need
// the agent app; until a module measures them, the table says so. Replace a row here with a
// module of its own (see delivery.ts) once it can be measured.
import { skipped, type Row } from './lib/table.js'

const WHY = 'not measured yet (needs the agent app)'

export function clientRows(): Row[] {
  return [
    ...skipped('client load', 'browser', [['agent first-load JS, gzip', '≤ 100 KB'], 'agent first-load CSS, gzip', 'customer page JS + CSS, gzip'], WHY),
    ...skipped('Lighthouse mobile', 'browser', [['performance score', '≥ 95'], 'FCP, LCP, TBT, CLS'], WHY),
    ...skipped('long conversation', 'browser', ['10,000 messages: time to first paint', ['10,000 messages: rows in the DOM', '≤ 60'], 'prepend 50 older: time, scroll jump'], WHY),
    ...skipped('outbox drain', 'browser', ['1,000 queued messages: time until all acknowledged, in order, once'], WHY),
  ]
}
