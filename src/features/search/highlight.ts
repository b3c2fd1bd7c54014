/** A piece of a snippet: `mark` for a matched word. */
export interface SnippetPart {
  text: string
  mark: boolean
}

/**
 * Cuts `text` into plain and marked parts from [start, end) ranges (UTF-16 offsets, as the server
 * sends them). Ranges out of bounds are clipped, overlapping or unordered ones merged; joining the
 * parts' text gives `text` back. Rendered as text and <mark>, never as HTML.
 */
export function highlightParts(text: string, ranges: readonly (readonly [number, number])[]): SnippetPart[] {
  const clipped = ranges
    .map(([s, e]) => [Math.max(0, Math.min(s, text.length)), Math.max(0, Math.min(e, text.length))] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const r of clipped) {
    const last = merged.at(-1)
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1])
    else merged.push([...r])
  }
  const parts: SnippetPart[] = []
  let at = 0
  for (const [s, e] of merged) {
    if (s > at) parts.push({ text: text.slice(at, s), mark: false })
    parts.push({ text: text.slice(s, e), mark: true })
    at = e
  }
  if (at < text.length) parts.push({ text: text.slice(at), mark: false })
  return parts
}

/**
 * Where the words of `query` match `text` as word prefixes (case-insensitive), as [start, end)
 * ranges; empty when any word is missing (every word must match). For the offline search.
 */
export function matchRanges(text: string, query: string): [number, number][] {
  const words = query.toLocaleLowerCase().split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}@.+-]/gu, '')).filter(Boolean)
  if (!words.length) return []
  const lower = text.toLocaleLowerCase()
  const ranges: [number, number][] = []
  for (const w of words) {
    let found = false
    let from = 0
    for (;;) {
      const i = lower.indexOf(w, from)
      if (i < 0) break
      const before = i === 0 ? '' : lower[i - 1]!
      if (!before || !/[\p{L}\p{N}]/u.test(before)) {
        ranges.push([i, i + w.length])
        found = true
      }
      from = i + 1
    }
    if (!found) return []
  }
  return ranges
}
