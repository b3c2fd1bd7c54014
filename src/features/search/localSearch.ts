import type { Conversation, SearchHit } from '@/kernel/contract'
import { localCache } from '@/kernel/db/cache'
import { matchRanges } from './highlight'

const AROUND = 60

/** A snippet of `text` around its first range, with "…" where cut, and the ranges moved to it. */
function cut(text: string, ranges: [number, number][]): SearchHit['snippet'] {
  const first = Math.min(...ranges.map((r) => r[0]))
  const start = Math.max(0, first - AROUND)
  const end = Math.min(text.length, first + AROUND * 2)
  const pre = start > 0 ? '…' : ''
  const shift = pre.length - start
  return {
    text: `${pre}${text.slice(start, end)}${end < text.length ? '…' : ''}`,
    ranges: ranges.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s + shift, e + shift] as [number, number]),
  }
}

function customerText(c: Conversation): string {
  return [c.customer.name, c.customer.email, c.customer.phone].filter(Boolean).join(' · ')
}

/**
 * The offline search over this device's copy (conversations and their newest messages): the
 * same rule as the server (every word as a word prefix), customer matches first, then newest.
 * Bounded by IndexedDB's own waits; `limit` hits at most.
 */
export async function searchLocal(q: string, limit = 50): Promise<SearchHit[]> {
  const conversations = await localCache.conversations()
  const customers: SearchHit[] = []
  const messages: SearchHit[] = []
  for (const c of conversations) {
    const who = customerText(c)
    const r = matchRanges(who, q)
    if (r.length) customers.push({ kind: 'customer', conversationId: c.id, messageId: null, seq: null, at: c.lastMessageAt ?? c.arrivedAt, snippet: { text: who, ranges: r }, conversation: c })
  }
  for (const c of conversations) {
    for (const m of await localCache.messages(c.id)) {
      if (m.authorKind === 'system' || !m.text) continue
      const r = matchRanges(m.text, q)
      if (r.length) messages.push({ kind: 'message', conversationId: c.id, messageId: m.id, seq: m.seq, at: m.createdAt, snippet: cut(m.text, r), conversation: c })
    }
  }
  const newest = (a: SearchHit, b: SearchHit) => b.at - a.at
  return [...customers.sort(newest), ...messages.sort(newest)].slice(0, limit)
}
