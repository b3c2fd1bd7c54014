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

/**
 * Full-text matches an agent may see (agentMaySee: the same rule as every conversation route),
 * over the customer details typed for each conversation and the text of customer and agent
 * messages (system lines are not indexed). Every term must match as a word prefix (`prefix`
 * false: as a whole word). Order, the same on both backends: customer matches first, then
 * messages; within each by the database's relevance (FTS5 bm25, PostgreSQL ts_rank), then newest
 * first, then by id. `terms` are letters, digits and marks only (services/search.ts makes them).
 * SQLite: FTS5 tables messages_fts (external content) and contacts_fts (contentless), kept by
 * triggers; PostgreSQL: generated tsvector columns with GIN indexes (migration 0013).
 */
export async function searchRows(
  db: Kysely<DB>, kind: DbKind, userId: string, terms: { text: string; prefix: boolean }[], limit: number, offset: number,
): Promise<SearchRow[]> {
  const visible = agentMaySee(userId)
  if (kind === 'sqlite') {
    const match = terms.map((t) => `"${t.text}"${t.prefix ? '*' : ''}`).join(' ')
    const { rows } = await sql<SearchRow>`
      select * from (
        select 'customer' as kind, c.id as conversation_id, null as message_id, null as seq, null as text,
          coalesce(c.last_message_at, c.arrived_at) as at, -bm25(contacts_fts) as score, 0 as tier
        from contacts_fts join conversations c on c.rowid = contacts_fts.rowid
        where contacts_fts match ${match} and ${visible}
        union all
        select 'message', m.conversation_id, m.id, m.seq, m.text, m.created_at, -bm25(messages_fts), 1
        from messages_fts join messages m on m.rowid = messages_fts.rowid join conversations c on c.id = m.conversation_id
        where messages_fts match ${match} and ${visible}
      ) order by tier, score desc, at desc, conversation_id, message_id
      limit ${limit} offset ${offset}`.execute(db)
    return rows.map(numeric)
  }
  const query = terms.map((t) => `${t.text}${t.prefix ? ':*' : ''}`).join(' & ')
  const { rows } = await sql<SearchRow>`
    with q as (select to_tsquery('simple', ${query}) as q)
    select * from (
      select 'customer' as kind, c.id as conversation_id, null::text as message_id, null::integer as seq, null::text as text,
        coalesce(c.last_message_at, c.arrived_at) as at, ts_rank(c.contact_tsv, q.q)::float8 as score, 0 as tier
      from conversations c, q
      where c.contact_tsv @@ q.q and ${visible}
      union all
      select 'message', m.conversation_id, m.id, m.seq, m.text, m.created_at, ts_rank(m.text_tsv, q.q)::float8, 1
      from messages m join conversations c on c.id = m.conversation_id, q
      where m.text_tsv @@ q.q and ${visible}
    ) hits order by tier, score desc, at desc, conversation_id, message_id
    limit ${limit} offset ${offset}`.execute(db)
  return rows.map(numeric)
}

const numeric = (r: SearchRow): SearchRow => ({ ...r, at: Number(r.at), score: Number(r.score), seq: r.seq === null ? null : Number(r.seq) })
