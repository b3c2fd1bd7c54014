/** What placeholders can be filled with; a missing or empty value leaves the placeholder as typed. */
export interface PlaceholderValues {
  'customer.name'?: string | null
  'customer.email'?: string | null
  'agent.name'?: string | null
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z]+\.[a-zA-Z]+)\s*\}\}/g

/**
 * Fills `{{customer.name}}`, `{{customer.email}}` and `{{agent.name}}` (spaces inside the braces
 * allowed). Unknown placeholders and those whose value is empty stay exactly as written, so the
 * agent sees what to fix before sending.
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = (values as Record<string, string | null | undefined>)[name]
    return value && value.trim() ? value : whole
  })
}

/**
 * The responses matching a query: every word of it must appear in the title, shortcut or text
 * (case-insensitive); a shortcut that starts with the first word comes first.
 */
export function matchCanned<T extends { title: string; shortcut: string | null; text: string }>(list: readonly T[], query: string): T[] {
  const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean)
  if (!words.length) return [...list]
  const hits = list.filter((c) => {
    const hay = `${c.title}\n${c.shortcut ?? ''}\n${c.text}`.toLocaleLowerCase()
    return words.every((w) => hay.includes(w))
  })
  const first = words[0]!
  const starts = (c: T) => (c.shortcut?.startsWith(first) ? 0 : 1)
  return hits.sort((a, b) => starts(a) - starts(b))
}

/** The shortcut being typed when the whole message is "/" plus a word ("/ref" → "ref"), else null. */
export function slashQuery(text: string): string | null {
  const m = /^\/(\S*)$/.exec(text)
  return m ? m[1]! : null
}
