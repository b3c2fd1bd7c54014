/**
 * User text as people see it: counted, cut and shortened by grapheme (a user-perceived character:
 * 👍🏽, 👨‍👩‍👧‍👦, e + U+0301, 🇩🇪, 한 are one each), never by UTF-16 code unit, so no cut leaves half
 * an emoji (shown as �) or turns a family into a different picture.
 *
 * THIS FILE EXISTS TWICE, byte for byte: src/kernel/text.ts (the app and its service worker) and
 * server/src/text.ts (every server layer). The app may not import server code at run time and the
 * server cannot import src/, so the copy is deliberate; src/kernel/text.test.ts runs one table of
 * cases against both and fails when the two files differ. Change both, or neither.
 *
 * Pure: no imports, no DOM, no Node built-ins (browser, worker and Node 20 alike).
 */

interface GraphemeSplitter { segment(input: string): Iterable<{ segment: string }> }

/**
 * Where Intl.Segmenter is missing (Firefox before 125), an approximation: regional-indicator pairs,
 * emoji ZWJ sequences with modifiers, and any character with its combining marks, variation
 * selectors, tags and Hangul jamo vowels/finals.
 */
const EXTEND = '\\p{M}\\ufe00-\\ufe0f\\p{Emoji_Modifier}\\u{E0020}-\\u{E007F}\\u1160-\\u11ff\\ud7b0-\\ud7ff'
const PICTO = `\\p{Extended_Pictographic}[${EXTEND}]*`
const FALLBACK = new RegExp(`\\r\\n|\\p{RI}\\p{RI}|${PICTO}(?:\\u200d${PICTO})*\\u200d?|[^][${EXTEND}\\u200d]*`, 'gu')
/** The graphemes of `text` by the approximation above (what `graphemes` uses without Intl.Segmenter). */
export const approximateGraphemes = (text: string): string[] => text.match(FALLBACK) ?? []
const fallback: GraphemeSplitter = { segment: (input) => approximateGraphemes(input).map((segment) => ({ segment })) }

let splitter: GraphemeSplitter | undefined
function graphemeSplitter(): GraphemeSplitter {
  splitter ??= typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : fallback
  return splitter
}

/** The graphemes of `text`, in order (joined, they are `text` again). */
export function graphemes(text: string): string[] {
  return Array.from(graphemeSplitter().segment(text), (s) => s.segment)
}

/** How many user-perceived characters `text` has (what a length limit counts). */
export function graphemeCount(text: string): number {
  let n = 0
  for (const _ of graphemeSplitter().segment(text)) n++
  return n
}

/**
 * The most UTF-16 code units one grapheme may take in limited text: a limit of N graphemes also
 * allows at most N × 8 code units (a family emoji with skin tones is 11; plain text is 1 or 2).
 * The JSON schemas' `maxLength` (code points, never more than code units) is set to this bound,
 * a coarse guard on bytes; the grapheme count is the limit people see.
 */
export const UNITS_PER_GRAPHEME = 8

/**
 * Length limits of user text, in graphemes, the same for the server's checks (JSON schemas'
 * `maxGraphemes`) and the app's fields; and the lengths previews are cut to.
 */
export const TEXT_LIMITS = {
  /** A chat message (agent or customer). */
  message: 4000,
  /** An internal note. */
  note: 4000,
  /** The note that goes with a transfer. */
  transferNote: 2000,
  /** A person's or a queue's name (customer, agent display name, queue). */
  name: 100,
  /** A push device's name. */
  deviceName: 80,
  /** A message's text in a push notification. */
  pushPreview: 120,
  /** A conversation's last message as lists show it (one or two lines). */
  listPreview: 160,
  /** A file name as a thread or a chip shows it (shortenFileName: the extension stays). */
  fileName: 40,
} as const

/** Whether `text` is within `maxGraphemes` user-perceived characters (and the code-unit bound above). */
export function fitsGraphemes(text: string, maxGraphemes: number): boolean {
  if (text.length <= maxGraphemes) return true
  if (text.length > maxGraphemes * UNITS_PER_GRAPHEME) return false
  return graphemeCount(text) <= maxGraphemes
}

/**
 * How many graphemes `text` has past `maxGraphemes` (0 when it fits). Past the code-unit bound
 * (rare: text made of very long graphemes) at least 1, so "too long" is never reported as 0 over.
 */
export function graphemesOver(text: string, maxGraphemes: number): number {
  if (fitsGraphemes(text, maxGraphemes)) return 0
  return Math.max(1, graphemeCount(text) - maxGraphemes)
}

/**
 * `text` cut to at most `maxGraphemes` graphemes (and at most `maxUnits` UTF-16 code units, for
 * byte budgets such as a push payload), always between graphemes, with `ellipsis` ('…') added
 * after a cut (not counted) and whitespace before it trimmed. Unchanged when it fits.
 * Example: 119 × 'x' + '👍 thanks', 120 → 119 × 'x' + '👍…'.
 */
export function cutText(text: string, maxGraphemes: number, options: { ellipsis?: string; maxUnits?: number } = {}): string {
  const { ellipsis = '…', maxUnits = Infinity } = options
  if (text.length <= maxGraphemes && text.length <= maxUnits) return text
  let out = ''
  let n = 0
  for (const { segment } of graphemeSplitter().segment(text)) {
    if (n === maxGraphemes || out.length + segment.length > maxUnits) return out.trimEnd() + ellipsis
    out += segment
    n++
  }
  return text
}

/**
 * Up to `max` initials of a name for an avatar: the first grapheme of each of its first words that
 * starts with a letter, digit or emoji, upper-cased for `locale` ("dana smith" → "DS",
 * "ëlo" → "Ë", "한국 지원" → "한지", "🇩🇪 Team" → "🇩🇪T"). '' for a name with none.
 */
export function initials(name: string, max = 2, locale?: string): string {
  const out: string[] = []
  for (const word of name.trim().split(/\s+/u)) {
    if (out.length === max) break
    const first = graphemes(word)[0]
    if (first && /^[\p{L}\p{N}\p{Extended_Pictographic}\p{RI}]/u.test(first)) out.push(first.toLocaleUpperCase(locale))
  }
  return out.join('')
}

/** An extension: a dot and 1..16 letters or digits at the end (".pdf"; ".tar.gz" keeps ".gz"). */
const EXTENSION = /\.[\p{L}\p{N}]{1,16}$/u

/**
 * A file name shortened to at most `maxGraphemes` graphemes for display, keeping its extension:
 * `averyveryverylongname….pdf`. The cut is between graphemes of the part before the extension.
 * Unchanged when it fits.
 */
export function shortenFileName(name: string, maxGraphemes: number): string {
  if (fitsGraphemes(name, maxGraphemes)) return name
  const ext = EXTENSION.exec(name)?.[0] ?? ''
  const stem = name.slice(0, name.length - ext.length)
  // An extension that leaves no room for the name is cut like any text.
  const room = maxGraphemes - graphemeCount(ext) - 1
  if (!ext || !stem || room < 1) return cutText(name, maxGraphemes - 1)
  return cutText(stem, room, { ellipsis: '' }).trimEnd() + '…' + ext
}

/** Explicit embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). */
const EXPLICIT_BIDI = /[\u202a-\u202e\u2066-\u2069]/g

/**
 * `text` wrapped in Unicode directional isolates (FSI … PDI, UAX #9): user text (a name) inside a
 * sentence keeps its own direction and does not reorder its neighbours, where no `<bdi>` can go
 * (plain-text system lines, notification bodies, titles, aria labels). Explicit embeddings,
 * overrides and isolates inside `text` are dropped, so a stray PDI can't end the isolate early and
 * let an RLO in a name reverse the rest of the sentence; marks (LRM, RLM) stay.
 */
export const isolate = (text: string): string => `\u2068${text.replace(EXPLICIT_BIDI, '')}\u2069`
