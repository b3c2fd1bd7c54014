import { sql, type Kysely } from 'kysely'
import type { DbKind } from '../index.js'
import type { DB } from '../schema.js'
import { agentMaySee } from './conversations.js'

/** One match as the database ranks it; `score`: higher is more relevant (comparable within a kind only). */
export interface SearchRow {
  kind: 'customer' | 'message'
  conversation_id: string
  message_id: string | null
  seq: number | null
  /** The message's text (message hits), else null. */
  text: string | null
  /** Epoch ms: the message's time, or the conversation's last activity. */
  at: number
  score: number
}

export interface SearchTermSql { text: string; prefix: boolean }

/**
 * Full-text matches an agent may see (agentMaySee: the same rule as every conversation route),
 * over the customer details typed for each conversation and the text of customer and agent
 * messages (system lines are not indexed). Every term must match as a word prefix (`prefix`
 * false: as a whole word). Order, the same on both backends: customer matches first, then
 * messages; within each by the database's relevance (FTS5 bm25, PostgreSQL ts_rank), then newest
 * first, then by id. Rows `offset` to `offset + limit`. `terms` are letters, digits and marks only
 * (services/search.ts makes them).
 * SQLite: FTS5 tables messages_fts (external content) and contacts_fts (contentless), kept by
 * triggers; PostgreSQL: generated tsvector columns with GIN indexes (migration 0013).
 * Messages are ranked from the index alone first (the best `k`), and only those are joined to
 * their conversations for the visibility rule; `k` grows until the page is full or every match
 * was ranked, so the answer is the same as ranking all visible matches, at the cost of the index's
 * ranking instead of a join per match.
 */
export async function searchRows(
  db: Kysely<DB>, kind: DbKind, userId: string, terms: SearchTermSql[], limit: number, offset: number,
): Promise<SearchRow[]> {
  const query = kind === 'sqlite'
    ? terms.map((t) => `"${t.text}"${t.prefix ? '*' : ''}`).join(' ')
    : terms.map((t) => `${t.text}${t.prefix ? ':*' : ''}`).join(' & ')
  const customers = await customerRows(db, kind, userId, query, offset + limit)
  if (customers.length >= offset + limit) return customers.slice(offset, offset + limit)
  // All customer matches are in `customers`: the messages continue the list after them.
  const skip = Math.max(0, offset - customers.length)
  const want = skip + limit - Math.max(0, customers.length - offset)
  const messages: SearchRow[] = []
  for (let k = Math.max(200, want * 4); ; k *= 8) {
    const rows = await messageRows(db, kind, userId, query, k)
    messages.splice(0, messages.length, ...rows.visible)
    if (messages.length >= want || rows.ranked < k) break
  }
  return [...customers.slice(offset), ...messages.slice(skip, want)]
}

async function customerRows(db: Kysely<DB>, kind: DbKind, userId: string, query: string, limit: number): Promise<SearchRow[]> {
  const visible = agentMaySee(userId)
  const { rows } = kind === 'sqlite'
    ? await sql<SearchRow>`
      select 'customer' as kind, c.id as conversation_id, null as message_id, null as seq, null as text,
        coalesce(c.last_message_at, c.arrived_at) as at, -bm25(contacts_fts) as score
      from contacts_fts join conversations c on c.rowid = contacts_fts.rowid
      where contacts_fts match ${query} and ${visible}
      order by score desc, at desc, c.id limit ${limit}`.execute(db)
    : await sql<SearchRow>`
      select 'customer' as kind, c.id as conversation_id, null::text as message_id, null::integer as seq, null::text as text,
        coalesce(c.last_message_at, c.arrived_at) as at, ts_rank(c.contact_tsv, q)::float8 as score
      from conversations c, to_tsquery('simple', ${query}) q
      where c.contact_tsv @@ q and ${visible}
      order by score desc, at desc, c.id limit ${limit}`.execute(db)
  return rows.map(numeric)
}

/** The best `k` message matches by relevance and recency (from the index), then those the agent may see, in that order. */
async function messageRows(db: Kysely<DB>, kind: DbKind, userId: string, query: string, k: number): Promise<{ visible: SearchRow[]; ranked: number }> {
  const visible = agentMaySee(userId)
  // One statement: the ranked candidates, how many there were, and the visible ones among them.
  const { rows } = kind === 'sqlite'
    ? await sql<SearchRow & { ranked: number }>`
      with ranked as materialized (
        select rowid as r, -bm25(messages_fts) as score from messages_fts where messages_fts match ${query}
        order by score desc, rowid desc limit ${k}
      )
      select 'message' as kind, m.conversation_id, m.id as message_id, m.seq, m.text, m.created_at as at, ranked.score,
        (select count(*) from ranked) as ranked
      from ranked join messages m on m.rowid = ranked.r join conversations c on c.id = m.conversation_id
      where ${visible}
      order by ranked.score desc, m.rowid desc`.execute(db)
    : await sql<SearchRow & { ranked: number }>`
      with ranked as materialized (
        select m.id, ts_rank(m.text_tsv, q)::float8 as score from messages m, to_tsquery('simple', ${query}) q
        where m.text_tsv @@ q order by score desc, m.created_at desc, m.id desc limit ${k}
      )
      select 'message' as kind, m.conversation_id, m.id as message_id, m.seq, m.text, m.created_at as at, ranked.score,
        (select count(*) from ranked) as ranked
      from ranked join messages m on m.id = ranked.id join conversations c on c.id = m.conversation_id
      where ${visible}
      order by ranked.score desc, m.created_at desc, m.id desc`.execute(db)
  // No visible row says nothing of how many were ranked: ask the index alone then.
  const ranked = rows[0] ? Number(rows[0].ranked) : await rankedCount(db, kind, query, k)
  return { visible: rows.map(numeric), ranked }
}

async function rankedCount(db: Kysely<DB>, kind: DbKind, query: string, k: number): Promise<number> {
  const { rows } = kind === 'sqlite'
    ? await sql<{ n: number }>`select count(*) as n from (select 1 from messages_fts where messages_fts match ${query} limit ${k})`.execute(db)
    : await sql<{ n: number }>`select count(*) as n from (select 1 from messages m where m.text_tsv @@ to_tsquery('simple', ${query}) limit ${k}) x`.execute(db)
  return Number(rows[0]?.n ?? 0)
}

const numeric = (r: SearchRow): SearchRow => ({
  kind: r.kind, conversation_id: r.conversation_id, message_id: r.message_id, seq: r.seq === null ? null : Number(r.seq), text: r.text,
  at: Number(r.at), score: Number(r.score),
})
