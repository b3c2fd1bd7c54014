// Search (issue 14, point 2): a query over 100,000 messages, p95 within 50 ms on each database,
// beside a plain indexed lookup of one conversation measured in the same run on the same data.
// In-process (the service the route calls, through the real migrations and indexes), so the
// figure is the database's and the snippet code's, not HTTP's.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql, type Insertable } from 'kysely'
import { openDatabase, type Database } from '../server/src/db/index.js'
import { getConversation } from '../server/src/db/repositories/conversations.js'
import type { ConversationsTable, MessagesTable } from '../server/src/db/schema.js'
import type { AppContext } from '../server/src/services/context.js'
import { search } from '../server/src/services/search.js'
import { freshSchema } from './lib/pg.js'
import { fmt, nowMs, percentile } from './lib/stats.js'
import { skipped, type Row } from './lib/table.js'

export const SEARCH = {
  messages: 100_000,
  perConversation: 20,
  queues: 10,
  /** The agent searching is in this many of the queues (the rest is out of their sight). */
  agentQueues: 3,
  /** Measured runs per query (after one warm-up round). */
  runs: 40,
  budgetMs: 50,
}
const BENCH = `search, ${(SEARCH.messages / 1000).toFixed(0)}k messages`

/** A fixed pseudo-random sequence, so both databases get the same data. */
export function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const FIRST = ['Dana', 'Ali', 'Mei', 'Jonas', 'Sofia', 'Omar', 'Lena', 'Ivan', 'Aiko', 'Pablo', 'Nora', 'Yusuf', 'Emma', 'Luca', 'Zara', 'Tomás']
const LAST = ['Smith', 'Okafor', 'Nakamura', 'Schulz', 'García', 'Haddad', 'Novak', 'Rossi', 'Kowalski', 'Silva', 'Berg', 'Moreau']
/**
 * A vocabulary with a long tail: word i is drawn with weight 1/(i+1) (Zipf), as in real text:
 * function words first (each in a large share of messages), then the words people search for
 * (parcel, refund…, ranks 30 to 300), then a long tail of rare ones.
 */
const FUNCTION_WORDS = ['the', 'to', 'i', 'you', 'and', 'a', 'is', 'it', 'my', 'for', 'of', 'in', 'we', 'can', 'on', 'your', 'this', 'have', 'be', 'with',
  'that', 'not', 'me', 'will', 'but', 'at', 'do', 'so', 'are', 'was']
const DOMAIN = ['order', 'parcel', 'refund', 'invoice', 'password', 'delivery', 'account', 'thanks', 'please', 'hello', 'problem', 'payment', 'address', 'tracking', 'voucher']
const VOCAB = Array.from({ length: 3000 }, (_, i) => {
  if (i < FUNCTION_WORDS.length) return FUNCTION_WORDS[i]!
  const d = (i - FUNCTION_WORDS.length) / 18
  if (Number.isInteger(d) && d < DOMAIN.length) return DOMAIN[d]!
  return `w${i.toString(36)}x${(i * 7919 % 997).toString(36)}`
})

export function seed(r: () => number, queueIds: string[]) {
  const weights = VOCAB.map((_, i) => 1 / (i + 1))
  const total = weights.reduce((a, b) => a + b, 0)
  const cumulative: number[] = []
  weights.reduce((acc, w, i) => (cumulative[i] = acc + w / total), 0)
  const word = () => {
    const x = r()
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return VOCAB[lo]!
  }
  const conversations: Insertable<ConversationsTable>[] = []
  const messages: Insertable<MessagesTable>[] = []
  const start = Date.now() - 90 * 86_400_000
  const count = SEARCH.messages / SEARCH.perConversation
  for (let i = 0; i < count; i++) {
    const id = randomUUID()
    const name = `${FIRST[Math.floor(r() * FIRST.length)]} ${LAST[Math.floor(r() * LAST.length)]}`
    const arrived = start + i * 1000
    conversations.push({
      id, customer_id: id, queue_id: queueIds[i % queueIds.length]!, channel: 'web', state: 'ended', agent_id: null, arrived_at: arrived, picked_at: null,
      ended_at: arrived + 600_000, last_message_at: arrived + SEARCH.perConversation * 1000, last_seq: SEARCH.perConversation,
      customer_token_hash: randomUUID(), customer_delivered_seq: 0, customer_read_seq: 0, contact_name: name,
      contact_email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${i}@example.com`, contact_phone: `+49 170 ${String(1_000_000 + i)}`,
      customer_token_revoked_at: null, transfer_client_id: null, transfer_by: null, waiting_since: null,
    })
    for (let seq = 1; seq <= SEARCH.perConversation; seq++) {
      const length = 4 + Math.floor(r() * 20)
      messages.push({
        id: randomUUID(), conversation_id: id, seq, client_id: randomUUID(), author_kind: seq % 2 ? 'customer' : 'agent', author_id: null,
        text: Array.from({ length }, word).join(' '), created_at: arrived + seq * 1000,
      })
    }
  }
  return { conversations, messages }
}

export async function insertAll(db: Database['db'], data: ReturnType<typeof seed>, queueIds: string[]) {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('queues').values(queueIds.map((id, i) => ({ id, name: `Queue ${i}`, address: `q${i}`, routing_mode: 'picklist' as const, created_at: 0 }))).execute()
    for (let i = 0; i < data.conversations.length; i += 500) {
      const chunk = data.conversations.slice(i, i + 500)
      await trx.insertInto('customers').values(chunk.map((c) => ({ id: c.customer_id, name: c.contact_name!, email: c.contact_email ?? null, phone: c.contact_phone ?? null, created_at: 0 }))).execute()
      await trx.insertInto('conversations').values(chunk).execute()
    }
    for (let i = 0; i < data.messages.length; i += 1000) await trx.insertInto('messages').values(data.messages.slice(i, i + 1000)).execute()
  })
}

/** The queries: a customer's surname, a phone, words people search for, a rare word, a prefix being typed, two words. */
const QUERIES = ['Nakamura', '170 1000120', 'refund', 'parcel tracking', 'invo', VOCAB[40]!, VOCAB[900]!, 'password problem', 'dana smith', 'order']

interface Measured { searchMs: number[]; lookupMs: number[]; hits: Record<string, number>; perQuery: Record<string, number[]> }

async function measure(database: Database): Promise<Measured> {
  const db = database.db
  const queueIds: string[] = Array.from({ length: SEARCH.queues }, () => randomUUID())
  const data = seed(rng(14), queueIds)
  await insertAll(db, data, queueIds)
  const agentId = randomUUID()
  await db.insertInto('users').values({
    id: agentId, username: 'bench-search', display_name: 'Bench', role: 'agent', password_hash: 'x', active: 1, presence: 'away', max_concurrent: 5, created_at: 0,
  }).execute()
  await db.insertInto('queue_members').values(queueIds.slice(0, SEARCH.agentQueues).map((queue_id) => ({ queue_id, user_id: agentId }))).execute()
  // As autovacuum leaves a table in steady state (statistics, visibility map, hint bits).
  if (database.kind === 'postgres') await sql`vacuum analyze`.execute(db)
  const ctx = { db, kind: database.kind } as AppContext
  const visibleIds = data.conversations.filter((c) => queueIds.indexOf(c.queue_id) < SEARCH.agentQueues).map((c) => c.id)
  const r = rng(7)
  const hits: Record<string, number> = {}
  for (const q of QUERIES) hits[q] = (await search(ctx, agentId, q, 20, 0)).hits.length // warm-up
  const searchMs: number[] = []
  const lookupMs: number[] = []
  const perQuery: Record<string, number[]> = Object.fromEntries(QUERIES.map((q) => [q, []]))
  for (let run = 0; run < SEARCH.runs; run++) {
    for (const q of QUERIES) {
      let t = nowMs()
      await search(ctx, agentId, q, 20, 0)
      searchMs.push(nowMs() - t)
      perQuery[q]!.push(nowMs() - t)
      t = nowMs()
      await getConversation(db, visibleIds[Math.floor(r() * visibleIds.length)]!, agentId)
      lookupMs.push(nowMs() - t)
    }
  }
  return { searchMs, lookupMs, hits, perQuery }
}

function rows(dbName: string, m: Measured): Row[] {
  const s = Float64Array.from(m.searchMs).sort()
  const l = Float64Array.from(m.lookupMs).sort()
  const p95 = percentile(s, 95)
  const p95l = percentile(l, 95)
  const raw = { searchMs: { p50: percentile(s, 50), p95, max: s[s.length - 1] }, lookupMs: { p50: percentile(l, 50), p95: p95l }, queries: QUERIES, hits: m.hits, settings: SEARCH,
    p95ByQuery: Object.fromEntries(Object.entries(m.perQuery).map(([q, v]) => [q, Number(percentile(Float64Array.from(v).sort(), 95).toFixed(2))])) }
  return [
    { bench: BENCH, db: dbName, metric: 'p50 search (20 hits)', value: fmt.ms(percentile(s, 50)), reference: 'indexed lookup of one conversation', refValue: fmt.ms(percentile(l, 50)), compare: fmt.ratio(percentile(s, 50) / percentile(l, 50)), budget: '', raw },
    {
      bench: BENCH, db: dbName, metric: 'p95 search (20 hits)', value: fmt.ms(p95), reference: 'indexed lookup of one conversation', refValue: fmt.ms(p95l),
      compare: fmt.ratio(p95 / p95l), budget: `≤ ${SEARCH.budgetMs} ms ${p95 <= SEARCH.budgetMs ? 'ok' : 'OVER'}`,
    },
  ]
}

/** The search rows on SQLite and, with `pgBase` (TEST_DATABASE_URL), PostgreSQL. */
export async function searchBench(log: (s: string) => void, pgBase: string | undefined): Promise<Row[]> {
  const out: Row[] = []
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-search-'))
  try {
    log(`search: seeding ${SEARCH.messages} messages on sqlite`)
    const sqlite = await openDatabase({ dataDir: dir })
    try { out.push(...rows('sqlite', await measure(sqlite))) } finally { await sqlite.close() }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  if (!pgBase) return [...out, ...searchSkipped('skipped: TEST_DATABASE_URL not set', 'postgres')]
  const schema = await freshSchema(pgBase)
  try {
    log(`search: seeding ${SEARCH.messages} messages on postgres`)
    const pgDb = await openDatabase({ databaseUrl: schema.url, dataDir: tmpdir() })
    try { out.push(...rows('postgres', await measure(pgDb))) } finally { await pgDb.close() }
  } finally {
    await schema.drop().catch(() => undefined)
  }
  return out
}

export const searchSkipped = (why: string, db = 'sqlite, postgres'): Row[] =>
  skipped(BENCH, db, ['p50 search (20 hits)', [`p95 search (20 hits)`, `≤ ${SEARCH.budgetMs} ms`]], why)

// `node --import tsx bench/search.ts`: this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderTable } = await import('./lib/table.js')
  const got = await searchBench((s) => process.stderr.write(`${s}\n`), process.env.TEST_DATABASE_URL || undefined)
  console.log(renderTable(got))
  for (const r of got) if (r.raw) console.log(JSON.stringify(r.raw))
  process.exit(0)
}

