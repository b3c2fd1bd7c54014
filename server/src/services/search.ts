// Search (issue 14, point 2): what an agent may see, found by words. The index and the visibility
// filter are the repository's (db/repositories/search.ts); this file makes the terms from what was
// typed, pages, and cuts the snippets. See docs/architecture.md, "Search".
import type { SearchHit, SearchPage } from '../api-types.js'
import { conversationsByIds } from '../db/repositories/conversations.js'
import { searchRows } from '../db/repositories/search.js'
import type { AppContext } from './context.js'
import { HttpError } from './errors.js'

/** Words: runs of letters, digits and marks (as FTS5's unicode61 tokenizer splits them). */
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu
/** At most this many words of a query count; each at most this long. */
const MAX_TERMS = 8
const MAX_TERM_LENGTH = 64
/** Snippets: about this many UTF-16 units of text around the first match. */
const SNIPPET = 160
const BEFORE = 50

export interface SearchTerm { text: string; prefix: boolean }

/**
 * The terms of a query: its words, NFKC and lowercase, each matched as a word prefix (a single
 * character only as a whole word: "a*" would match half the index), at most 8.
 * @returns [] when the query holds no letter or digit
 */
export function searchTerms(q: string): SearchTerm[] {
  const words = q.normalize('NFKC').toLowerCase().match(WORD) ?? []
  const unique = [...new Set(words.map((w) => w.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_TERMS)
  return unique.map((text) => ({ text, prefix: [...text].length > 1 }))
}

/**
 * Where the terms match in `text`: [start, end) in UTF-16 units of each whole word that begins
 * with a term (or equals it, for a whole-word term), in order.
 */
export function matchRanges(text: string, terms: SearchTerm[]): [number, number][] {
  const ranges: [number, number][] = []
  for (const m of text.matchAll(WORD)) {
    const word = m[0].normalize('NFKC').toLowerCase()
    if (terms.some((t) => (t.prefix ? word.startsWith(t.text) : word === t.text))) ranges.push([m.index, m.index + m[0].length])
  }
  return ranges
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** The grapheme boundary at or after `i` (never inside a surrogate pair or a combined character). */
function boundaryFrom(text: string, i: number): number {
  if (i <= 0) return 0
  if (i >= text.length) return text.length
  const seg = graphemes.segment(text).containing(i)
  return seg && seg.index < i ? seg.index + seg.segment.length : i
}

/**
 * A plain-text snippet of `text` (white space runs made one space) around the first match of
 * `terms`, with the match ranges inside it. Long texts are cut at word or grapheme boundaries and
 * marked with "…" where cut; ranges that fall outside the snippet are left out.
 */
export function snippet(text: string, terms: SearchTerm[]): SearchHit['snippet'] {
  const flat = text.replace(/\s+/g, ' ')
  const ranges = matchRanges(flat, terms)
  if (flat.length <= SNIPPET) return { text: flat, ranges }
  const first = ranges[0]?.[0] ?? 0
  let start = Math.max(0, first - BEFORE)
  if (start > 0) {
    const space = flat.indexOf(' ', start)
    start = space !== -1 && space < first ? space + 1 : boundaryFrom(flat, start)
  }
  let end = Math.min(flat.length, start + SNIPPET)
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end)
    end = space > start + SNIPPET / 2 ? space : boundaryFrom(flat, end)
  }
  const lead = start > 0 ? '…' : ''
  const shift = lead.length - start
  return {
    text: lead + flat.slice(start, end) + (end < flat.length ? '…' : ''),
    ranges: ranges.filter(([a, b]) => a >= start && b <= end).map(([a, b]) => [a + shift, b + shift]),
  }
}

/** The customer details of a conversation as one line, and where the terms match in it (a phone also by its digits). */
function contactSnippet(c: { name: string; email: string | null; phone: string | null }, terms: SearchTerm[]): SearchHit['snippet'] {
  const parts = [c.name, c.email, c.phone].filter((p): p is string => !!p)
  const text = parts.join(' · ')
  const ranges = matchRanges(text, terms)
  if (c.phone) {
    const digits = c.phone.replace(/\D/g, '')
    const at = text.lastIndexOf(c.phone)
    const covered = ranges.some(([a]) => a >= at)
    if (!covered && digits && terms.some((t) => digits.startsWith(t.text))) ranges.push([at, at + c.phone.length])
  }
  return { text, ranges }
}

interface Cursor { o: number }
export const isSearchCursor = (v: unknown): v is Cursor =>
  typeof v === 'object' && v !== null && Number.isSafeInteger((v as Cursor).o) && (v as Cursor).o > 0 && (v as Cursor).o <= 10_000

/**
 * One page of results for `q`, for this agent. `offset` comes from the previous page's cursor (the
 * relevance order has no stable key: each page runs the query again and skips what came before,
 * so a page may repeat or skip a hit when new messages arrive in between).
 * @returns the hits and the next page's offset (null on the last page, and past 10,000 results)
 * @throws 400 bad_request when the query holds no letter or digit
 */
export async function search(ctx: AppContext, userId: string, q: string, limit: number, offset: number): Promise<{ hits: SearchHit[]; next: number | null }> {
  const terms = searchTerms(q)
  if (terms.length === 0) throw new HttpError(400, 'bad_request', 'Type a word, a name, an email address or a phone number to search for')
  const rows = await searchRows(ctx.db, ctx.kind, userId, terms, limit + 1, offset)
  const page = rows.slice(0, limit)
  const conversations = await conversationsByIds(ctx.db, page.map((r) => r.conversation_id), userId)
  const hits: SearchHit[] = []
  for (const r of page) {
    const conversation = conversations.get(r.conversation_id)
    if (!conversation) continue
    hits.push({
      kind: r.kind,
      conversationId: r.conversation_id,
      messageId: r.message_id,
      seq: r.seq,
      at: r.at,
      snippet: r.kind === 'message' ? snippet(r.text ?? '', terms) : contactSnippet(conversation.customer, terms),
      conversation,
    })
  }
  const next = rows.length > limit && offset + limit <= 10_000 ? offset + limit : null
  return { hits, next }
}

/** The page answer: hits and the next page's cursor. */
export type { SearchPage }
