// System lines ("Dana joined the chat") are stored by the server as English text (names isolated,
// FSI…PDI). The agent's thread and the customer page show them in the reader's language: each known
// sentence is matched and said again from the `customer.system` messages, with the names it carries
// isolated once, so a name in another script doesn't reorder the sentence. A line this list doesn't
// know is shown as stored.
import { i18n, isolate } from '@/shared/i18n'

/** The isolate marks (LRI, RLI, FSI, PDI) the server puts around names; isolated again below. */
const ISOLATES = /[\u2066-\u2069]/g

type SystemKey = keyof typeof import('@/shared/i18n/locales/en.json')['customer']['system']

/** The server's sentences (server/src/services/conversations.ts and the supervisor moves), most specific first. */
const LINES: readonly { re: RegExp; key: SystemKey; names: readonly string[] }[] = [
  { re: /^(.+) joined the chat$/, key: 'joined', names: ['name'] },
  { re: /^Chat ended by (.+)$/, key: 'endedBy', names: ['name'] },
  { re: /^Transferred by (.+?) to (.+) \(([^()]+)\)$/, key: 'transferredToAgent', names: ['by', 'to', 'queue'] },
  { re: /^Transferred by (.+?) to (.+)$/, key: 'transferredToQueue', names: ['by', 'queue'] },
  { re: /^(.+) is no longer available — returned to (.+)$/, key: 'agentGone', names: ['name', 'queue'] },
  { re: /^Reassigned to (.+) by (.+)$/, key: 'reassigned', names: ['to', 'by'] },
  { re: /^Offered to (.+) by (.+)$/, key: 'offered', names: ['to', 'by'] },
  { re: /^Returned to (.+) by (.+)$/, key: 'returned', names: ['queue', 'by'] },
  { re: /^(.+) took over the chat$/, key: 'tookOver', names: ['by'] },
]

/**
 * A stored system line in the active language: `text` as the server wrote it (English) →
 * the translated sentence, or `text` unchanged when it is not one of the known sentences.
 */
export function systemLineText(text: string): string {
  for (const { re, key, names } of LINES) {
    const m = re.exec(text)
    if (!m) continue
    const values = Object.fromEntries(names.map((name, i) => [name, isolate((m[i + 1] ?? '').replace(ISOLATES, ''))]))
    return i18n.global.t(`customer.system.${key}`, values)
  }
  return text
}
