import type { Message, PublicQueue, QueueStatus, RatingComment, RatingsReport, RatingSummary } from '../api-types.js'
import { getConversation, listMessages } from '../db/repositories/conversations.js'
import { hasAvailableAgent, parseHours, queueByAddress } from '../db/repositories/queues.js'
import { ratingCountsByAgent, ratingCountsByQueue, recentRatingComments, setRating, type RatingRow } from '../db/repositories/ratings.js'
import { recentWaits, waitingLine } from '../db/repositories/waiting.js'
import type { AppContext } from './context.js'
import { conflict, notFound } from './errors.js'
import { hoursState, isTimeZone } from './openingHours.js'
import type { UrlSigner } from './signedUrls.js'

/** Wait estimates need at least this many picked chats of the queue in the history window. */
export const MIN_WAIT_HISTORY = 5
/** The history an estimate reads: the queue's last 50 picks of the last 30 days. */
export const WAIT_HISTORY_LIMIT = 50
export const WAIT_HISTORY_MS = 30 * 24 * 3600 * 1000

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/**
 * What the chat page shows of a queue: its name, whether it is open by its hours (and when it
 * opens next), and whether an agent is available now.
 * @throws 404 for an unknown address
 */
export async function publicQueue(ctx: AppContext, address: string, now = Date.now()): Promise<PublicQueue> {
  const queue = await queueByAddress(ctx.db, address)
  if (!queue) throw notFound('There is no chat at this address')
  const hours = hoursState(parseHours(queue.opening_hours), now)
  return { name: queue.name, address: queue.address, open: hours.open, opensAt: hours.opensAt, agentsAvailable: await hasAvailableAgent(ctx.db, queue.id) }
}

/**
 * The place in line and the estimated wait of every chat waiting in a queue (issue 15, point 3).
 * The estimate is the median of how long the queue's recent chats waited before an agent took
 * them, less the time this chat has waited (at least a minute); null until the queue has
 * MIN_WAIT_HISTORY picks in the window, since a guess from less would mislead.
 * @returns conversation id → status (only waiting chats: queued or offered)
 */
export async function queueStatuses(ctx: AppContext, queueId: string, now = Date.now()): Promise<Map<string, QueueStatus>> {
  const line = await waitingLine(ctx.db, queueId)
  const out = new Map<string, QueueStatus>()
  if (!line.length) return out
  const waits = await recentWaits(ctx.db, queueId, now - WAIT_HISTORY_MS, WAIT_HISTORY_LIMIT)
  const typical = waits.length >= MIN_WAIT_HISTORY ? median(waits) : null
  line.forEach((c, i) => {
    const left = typical === null ? null : Math.max(60, Math.round((typical - (now - Number(c.arrived_at))) / 1000))
    out.set(c.id, { position: i + 1, etaSeconds: left })
  })
  return out
}

/**
 * The customer rates the ended chat (1–5, optional comment); a second rating replaces the first.
 * @throws 409 not_ended while the chat is still open; 404 when it is gone
 */
export async function rateConversation(ctx: AppContext, conversationId: string, score: number, comment: string | undefined): Promise<void> {
  const c = await getConversation(ctx.db, conversationId, null)
  if (!c) throw notFound('Conversation not found')
  if (c.state !== 'ended') throw conflict('not_ended', 'You can rate the chat once it has ended')
  await setRating(ctx.db, conversationId, score, comment?.trim() || null)
}

function summaries(rows: RatingRow[]): RatingSummary[] {
  const by = new Map<string, RatingSummary>()
  for (const r of rows) {
    const s = by.get(r.id) ?? { id: r.id, name: r.name, count: 0, average: null, distribution: [0, 0, 0, 0, 0] }
    s.count += r.n
    if (r.score >= 1 && r.score <= 5) s.distribution[r.score - 1]! += r.n
    by.set(r.id, s)
  }
  for (const s of by.values()) {
    const sum = s.distribution.reduce((acc, n, i) => acc + n * (i + 1), 0)
    s.average = s.count ? Math.round((sum / s.count) * 100) / 100 : null
  }
  return [...by.values()].sort((a, b) => a.name.localeCompare(b.name))
}

/** The admin's view of ratings: per agent, per queue, and the 20 newest comments. */
export async function ratingsReport(ctx: AppContext): Promise<RatingsReport> {
  const [agents, queues, comments] = await Promise.all([ratingCountsByAgent(ctx.db), ratingCountsByQueue(ctx.db), recentRatingComments(ctx.db, 20)])
  const recentComments: RatingComment[] = comments.map((r) => ({
    conversationId: r.id, score: Number(r.rating), comment: r.rating_comment ?? '', agentName: r.agent_name, queueName: r.queue_name, ratedAt: Number(r.rated_at),
  }))
  return { byAgent: summaries(agents), byQueue: summaries(queues), recentComments }
}

/** The most messages a transcript holds (a customer chat is far shorter). */
const TRANSCRIPT_LIMIT = 5000

/**
 * The transcript a customer downloads after the chat ended (issue 15, point 5): plain UTF-8 text,
 * one block per message with its time in `timeZone` (the customer's, else UTC), and each file's
 * name, size and a signed link valid for `signer.ttlSeconds` (services/signedUrls.ts).
 * @param publicUrl the server's origin, for absolute links
 * @throws 409 not_ended while the chat is open; 404 when it is gone
 */
export async function transcriptText(
  ctx: AppContext, signer: UrlSigner, conversationId: string, publicUrl: string, timeZone: string | undefined, now = Date.now(),
): Promise<{ text: string; fileName: string }> {
  const c = await getConversation(ctx.db, conversationId, null)
  if (!c) throw notFound('Conversation not found')
  if (c.state !== 'ended') throw conflict('not_ended', 'The transcript is ready once the chat has ended')
  const tz = timeZone && isTimeZone(timeZone) ? timeZone : 'UTC'
  const messages = await listMessages(ctx.db, conversationId, { limit: TRANSCRIPT_LIMIT })
  const when = new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'medium', timeStyle: 'short' })
  const origin = publicUrl.replace(/\/+$/, '')
  let linksUntil = 0
  const block = (m: Message): string => {
    const who = m.authorKind === 'customer' ? c.customer.name : m.authorKind === 'agent' ? m.authorName ?? 'Agent' : '—'
    const lines = [`[${when.format(m.createdAt)}] ${who}:`]
    if (m.text) lines.push(...m.text.split('\n').map((l) => `  ${l}`))
    for (const a of m.attachments ?? []) {
      const urls = signer.urls(a, now)
      linksUntil = urls.expiresAt
      lines.push(`  Attachment: ${a.name} (${formatSize(a.size)}) ${origin}${urls.original}`)
    }
    return lines.join('\n')
  }
  const body = messages.map(block).join('\n\n')
  const header = [
    `Chat with ${c.queue.name}`,
    `Started: ${when.format(c.arrivedAt)}${c.endedAt ? ` · Ended: ${when.format(c.endedAt)}` : ''} (${tz})`,
    ...(linksUntil ? [`Attachment links work until ${when.format(linksUntil)}.`] : []),
    '',
  ]
  const date = new Date(c.arrivedAt).toISOString().slice(0, 10)
  return { text: `${header.join('\n')}\n${body}\n`, fileName: `chat-${date}-${c.id.slice(0, 8)}.txt` }
}

const formatSize = (bytes: number): string =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
