import { find } from 'linkifyjs'

/**
 * One piece of a text cut into plain text and links: `href` is set only for a link whose scheme is
 * allowed (`https:`, `http:`, `mailto:`, `tel:`); `web` marks http(s) links (opened in a new tab).
 */
export interface TextPart {
  text: string
  href?: string
  web?: boolean
}

const ALLOWED = new Set(['http:', 'https:', 'mailto:', 'tel:'])

/**
 * A phone number: starts with "+" or a national "0", then 7..15 digits in all, with single spaces,
 * dashes, dots or brackets between groups. Dates ("2026-12-04") and plain counts ("12345678") are
 * not phone numbers by this rule.
 */
const PHONE = /(?<![\w+])(?:\+|0)(?:[\d]|[ .-]?\(?\d\)?){6,18}(?![\w])/g

function phoneHref(match: string): string | null {
  const digits = match.replace(/\D/g, '')
  if (digits.length < 7 || digits.length > 15) return null
  return `tel:${match.startsWith('+') ? '+' : ''}${digits}`
}

/** An href when its scheme is on the allow-list, else null. */
export function allowedHref(href: string): string | null {
  try {
    const url = new URL(href)
    return ALLOWED.has(url.protocol) ? href : null
  } catch {
    return null
  }
}

function phoneParts(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const m of text.matchAll(PHONE)) {
    const raw = m[0].trimEnd()
    const href = phoneHref(raw)
    if (!href) continue
    if (m.index > last) parts.push({ text: text.slice(last, m.index) })
    parts.push({ text: raw, href })
    last = m.index + raw.length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}

/**
 * Cuts plain text into parts: web addresses, email addresses (linkifyjs) and phone numbers become
 * links (`https`/`http`, `mailto`, `tel` only; anything else stays text). Joining every part's `text`
 * gives back the input exactly. Never produces HTML.
 */
export function linkifyText(text: string): TextPart[] {
  if (!text) return []
  const parts: TextPart[] = []
  let last = 0
  for (const link of find(text)) {
    if (link.type !== 'url' && link.type !== 'email') continue
    const href = allowedHref(link.href)
    if (!href) continue
    if (link.start > last) parts.push(...phoneParts(text.slice(last, link.start)))
    parts.push({ text: text.slice(link.start, link.end), href, web: href.startsWith('http') })
    last = link.end
  }
  if (last < text.length) parts.push(...phoneParts(text.slice(last)))
  return parts
}
