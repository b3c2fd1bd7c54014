// Sending one outbox item over HTTP. Shared by the page and the service worker, so: relative
// imports only (the service worker build has no '@' alias) and nothing that needs the DOM.
import { apiJson } from '../http/client'
import { ApiError } from '../http/errors'
import { upload } from '../http/upload'
import type { Attachment, Conversation, Message, Note, ReplayAck } from '../contract'
import type { OutboxItem } from '../db/schema'
import { BATCH_MAX, joinsBatch } from './outbox'

/**
 * What the server answered for an item: the message, the note, or the conversation (End,
 * Transfer); or, for a repeat of something already done in a chat this agent can no longer see
 * (say, transferred away meanwhile), only an acknowledgement.
 */
export type Delivered = Message | Note | Conversation | ReplayAck

// Kept in outbox.ts (the first screen loads it; this module loads when something is sent).
export { BATCH_MAX, isReplayAck, joinsBatch } from './outbox'

type Answer<K extends string, T> = { [k in K]?: T } & { ack?: ReplayAck }
function delivered<K extends string, T extends Delivered>(key: K, body: Answer<K, T>): Delivered {
  const value = body[key] ?? body.ack
  if (!value) throw new ApiError(502, 'bad_answer', 'The server answered without a result')
  return value
}

/** Who a request is made as: the agent's session cookie (default) or a customer's chat token. */
export interface TransportAuth {
  token?: string
}

/** The two kinds of request the outbox makes. Paths are relative to /api; failures reject with ApiError. */
export interface Transport {
  postJson<T>(path: string, body?: unknown, auth?: TransportAuth): Promise<T>
  /** multipart/form-data; `onProgress(sent, total)` while the body goes out, where the transport can tell. */
  postForm<T>(path: string, form: FormData, onProgress?: (sent: number, total: number) => void, auth?: TransportAuth): Promise<T>
}

/** Hooks a send reports to while it works through an item's attachments. */
export interface SendContext {
  /** An attachment is on the server: remember its id so a retry doesn't upload it again. */
  uploaded: (localId: string, attachmentId: string) => Promise<void>
  /** Upload progress across all the item's files, 0..1. */
  progress: (fraction: number) => void
}

/**
 * The kernel's HTTP client for JSON and its uploader for files (XHR with progress in a page,
 * fetch in the service worker). A request that hangs counts as a network failure and is retried.
 */
export const httpTransport: Transport = {
  postJson: (path, body, auth) => apiJson('POST', path, { json: body, token: auth?.token, timeout: 15_000 }),
  postForm: (path, form, onProgress, auth) => upload(path, form, { onProgress, token: auth?.token }),
}

const conv = (id: string) => `conversations/${encodeURIComponent(id)}`

/** Uploads what isn't on the server yet, in order, reporting progress by bytes; returns every id. */
async function uploadAll(item: OutboxItem, transport: Transport, ctx: SendContext, path: string, auth?: TransportAuth): Promise<string[]> {
  const files = item.attachments ?? []
  const total = files.reduce((n, f) => n + Math.max(1, f.size), 0)
  let done = 0
  const ids: string[] = []
  for (const file of files) {
    const weight = Math.max(1, file.size)
    if (!file.uploadedId) {
      ctx.progress(done / total)
      const form = new FormData()
      // The server reads fields in order: `recorded` must come before the file.
      if (file.recorded) form.append('recorded', '1')
      form.append('file', file.blob, file.name)
      const res = await transport.postForm<{ attachment: Attachment }>(path, form, (sent, size) => {
        ctx.progress((done + (size > 0 ? Math.min(1, sent / size) : 0) * weight) / total)
      }, auth)
      file.uploadedId = res.attachment.id
      await ctx.uploaded(file.localId, res.attachment.id)
    }
    done += weight
    ids.push(file.uploadedId)
  }
  if (files.length) ctx.progress(1)
  return ids
}

/** Sends one item: its files first (each once), then the message or the action. */
export async function sendItem(item: OutboxItem, transport: Transport, ctx: SendContext): Promise<Delivered> {
  if (item.chat) return sendChatItem(item, transport, ctx)
  const base = conv(item.conversationId)
  switch (item.kind ?? 'message') {
    case 'note':
      return delivered('note', await transport.postJson<Answer<'note', Note>>(`${base}/notes`, { clientId: item.clientId, text: item.text }))
    case 'end':
      return delivered('conversation', await transport.postJson<Answer<'conversation', Conversation>>(`${base}/end`))
    case 'transfer': {
      const t = item.transfer
      if (!t) throw new ApiError(400, 'bad_request', 'This transfer has no destination')
      const body = { clientId: item.clientId, queueId: t.queueId, ...(t.agentId ? { agentId: t.agentId } : {}), ...(item.text ? { note: item.text } : {}) }
      return delivered('conversation', await transport.postJson<Answer<'conversation', Conversation>>(`${base}/transfer`, body))
    }
    default: {
      const attachmentIds = await uploadAll(item, transport, ctx, `${base}/attachments`)
      const body = { clientId: item.clientId, text: item.text, ...(attachmentIds.length ? { attachmentIds } : {}) }
      return delivered('message', await transport.postJson<Answer<'message', Message>>(`${base}/messages`, body))
    }
  }
}

/**
 * The server's answer to a batch send: the stored prefix in order (a repeated clientId answers the
 * message stored the first time), and the item it refused, if any (the items after it were not tried).
 */
export interface BatchAnswer {
  stored: Message[]
  /** `status`: the HTTP status the single send would have answered (not in the lead's contract: optional). */
  failed?: { clientId: string; index: number; status?: number; error: { code: string; message: string } }
}

/**
 * How a batch went, for `items[0 .. delivered.length)` delivered in order. `failed` names the item
 * that stopped it: `upload` (one of its files could not be uploaded) or `answered` (the server refused
 * it with the single send's status): handle `error` as a single send's failure; or `refused` (refused without
 * a status: send it alone to get the single send's answer and handling). Items after it were not sent.
 */
export interface BatchOutcome {
  delivered: Delivered[]
  failed?: { index: number; kind: 'upload' | 'answered'; error: unknown } | { index: number; kind: 'refused'; code: string; message: string }
}

/** Sends several queued items of one conversation in one request (see Outbox `batch`). */
export interface BatchSender {
  /** Most items per request. */
  max: number
  /** Whether `next` may go in the same request as `first` (and the items between them). */
  joins: (first: OutboxItem, next: OutboxItem) => boolean
  /**
   * Uploads each item's files (each once, as a single send does), then posts the messages in one
   * request. Rejects (ApiError) when the request as a whole failed: nothing of it counts as sent.
   */
  send: (items: OutboxItem[], ctxFor: (item: OutboxItem) => SendContext) => Promise<BatchOutcome>
}

/**
 * Sends queued messages of one conversation in one request: `POST conversations/:id/messages/batch`
 * (agent) or `POST public/conversation/messages/batch` (customer, with the chat's token), body
 * `{messages: [{clientId, text, attachmentIds?}, ...]}` (1..BATCH_MAX, in order). Each item's files
 * are uploaded first; a file that fails stops the batch before its item.
 */
export async function sendBatch(items: OutboxItem[], transport: Transport, ctxFor: (item: OutboxItem) => SendContext): Promise<BatchOutcome> {
  const first = items[0]
  if (!first) return { delivered: [] }
  const auth = first.chat ? { token: first.chat.token } : undefined
  const base = first.chat ? 'public/conversation' : conv(first.conversationId)
  const bodies: Array<{ clientId: string; text: string; attachmentIds?: string[] }> = []
  let uploadFailure: BatchOutcome['failed']
  for (const [index, item] of items.entries()) {
    try {
      const attachmentIds = await uploadAll(item, transport, ctxFor(item), `${base}/attachments`, auth)
      bodies.push({ clientId: item.clientId, text: item.text, ...(attachmentIds.length ? { attachmentIds } : {}) })
    } catch (error) {
      uploadFailure = { index, kind: 'upload', error }
      break
    }
  }
  if (!bodies.length) return { delivered: [], failed: uploadFailure }
  const answer = await transport.postJson<BatchAnswer>(`${base}/messages/batch`, { messages: bodies }, auth)
  const stored = Array.isArray(answer?.stored) ? answer.stored : null
  // The stored prefix must be these items, in this order; anything else is not an answer to trust.
  if (!stored || stored.length > bodies.length || stored.some((m, i) => m?.clientId !== bodies[i]!.clientId)) {
    throw new ApiError(502, 'bad_answer', 'The server answered the batch with other messages')
  }
  if (answer.failed) {
    if (answer.failed.index !== stored.length || answer.failed.clientId !== bodies[stored.length]?.clientId) {
      throw new ApiError(502, 'bad_answer', 'The server answered the batch with another failed message')
    }
    const { status, error } = answer.failed
    // With the single send's status, its rules decide at once; without it, the item goes again alone.
    if (typeof status === 'number' && status >= 400 && status <= 599) {
      return { delivered: stored, failed: { index: stored.length, kind: 'answered', error: new ApiError(status, error?.code ?? `http_${status}`, error?.message || 'The server refused it') } }
    }
    return { delivered: stored, failed: { index: stored.length, kind: 'refused', code: error?.code ?? 'refused', message: error?.message ?? '' } }
  }
  // Nothing stored and nothing refused: trying again at once would loop.
  if (!stored.length) throw new ApiError(502, 'bad_answer', 'The server stored none of the batch')
  return { delivered: stored, ...(stored.length === bodies.length && uploadFailure ? { failed: uploadFailure } : {}) }
}

/** The batch sender over a transport (the page's and the worker's). */
export const batchSender = (transport: Transport = httpTransport): BatchSender => ({
  max: BATCH_MAX,
  joins: joinsBatch,
  send: (items, ctxFor) => sendBatch(items, transport, ctxFor),
})

/** The customer page's message: its photos, then the message, with the chat's token. */
async function sendChatItem(item: OutboxItem, transport: Transport, ctx: SendContext): Promise<Message> {
  const auth = { token: item.chat!.token }
  const attachmentIds = await uploadAll(item, transport, ctx, 'public/conversation/attachments', auth)
  const body = { clientId: item.clientId, text: item.text, ...(attachmentIds.length ? { attachmentIds } : {}) }
  const answer = await transport.postJson<Answer<'message', Message>>('public/conversation/messages', body, auth)
  // A repeat of a message already taken: the page has it from the socket or its next read.
  if (!answer.message) throw new ApiError(502, 'bad_answer', 'The server answered without the message')
  return answer.message
}
