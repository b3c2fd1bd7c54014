// Sending one outbox item over HTTP. Shared by the page and the service worker, so: relative
// imports only (the service worker build has no '@' alias) and nothing that needs the DOM.
import { ApiError } from '../api/errors'
import type { Attachment, Conversation, Message, Note, ReplayAck } from '../api/types'
import type { OutboxItem } from '../db/schema'

/**
 * What the server answered for an item: the message, the note, or the conversation (End,
 * Transfer); or, for a repeat of something already done in a chat this agent can no longer see
 * (say, transferred away meanwhile), only an acknowledgement.
 */
export type Delivered = Message | Note | Conversation | ReplayAck

/** Done, but the chat is out of this agent's sight now: there is nothing to show of it. */
export const isReplayAck = (d: Delivered): d is ReplayAck => 'outcome' in d

type Answer<K extends string, T> = { [k in K]?: T } & { ack?: ReplayAck }
function delivered<K extends string, T extends Delivered>(key: K, body: Answer<K, T>): Delivered {
  const value = body[key] ?? body.ack
  if (!value) throw new ApiError(502, 'bad_answer', 'The server answered without a result')
  return value
}

/** The two kinds of request the outbox makes. Paths are relative to /api; failures reject with ApiError. */
export interface Transport {
  postJson<T>(path: string, body?: unknown): Promise<T>
  /** multipart/form-data; `onProgress(sent, total)` while the body goes out, where the transport can tell. */
  postForm<T>(path: string, form: FormData, onProgress?: (sent: number, total: number) => void): Promise<T>
}

/** Hooks a send reports to while it works through an item's attachments. */
export interface SendContext {
  /** An attachment is on the server: remember its id so a retry doesn't upload it again. */
  uploaded: (localId: string, attachmentId: string) => Promise<void>
  /** Upload progress across all the item's files, 0..1. */
  progress: (fraction: number) => void
}

/** An error answer ({error:{code,message}}) as an ApiError. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`
  let message = res.statusText || `Request failed (${res.status})`
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } }
    if (body?.error?.code) code = body.error.code
    if (body?.error?.message) message = body.error.message
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(res.status, code, message)
}

async function fetchJson<T>(path: string, init: RequestInit): Promise<T> {
  let res: Response
  try {
    res = await fetch(`/api/${path}`, { credentials: 'same-origin', ...init, headers: { Accept: 'application/json', ...init.headers } })
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : 'Network error')
  }
  if (!res.ok) throw await errorFromResponse(res)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

/** fetch for everything (the service worker's transport: fetch has no upload progress). */
export const fetchTransport: Transport = {
  postJson: (path, body) =>
    fetchJson(path, {
      method: 'POST',
      // A request that hangs (a dead connection) counts as a network failure and is retried.
      signal: AbortSignal.timeout(15_000),
      // Always JSON, {} when there is nothing to say: the server refuses other state-changing bodies.
      body: JSON.stringify(body ?? {}),
      headers: { 'Content-Type': 'application/json' },
    }),
  postForm: (path, form) => fetchJson(path, { method: 'POST', body: form }),
}

const conv = (id: string) => `conversations/${encodeURIComponent(id)}`

/** Uploads what isn't on the server yet, in order, reporting progress by bytes; returns every id. */
async function uploadAll(item: OutboxItem, transport: Transport, ctx: SendContext): Promise<string[]> {
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
      const res = await transport.postForm<{ attachment: Attachment }>(`${conv(item.conversationId)}/attachments`, form, (sent, size) => {
        ctx.progress((done + (size > 0 ? Math.min(1, sent / size) : 0) * weight) / total)
      })
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
      const attachmentIds = await uploadAll(item, transport, ctx)
      const body = { clientId: item.clientId, text: item.text, ...(attachmentIds.length ? { attachmentIds } : {}) }
      return delivered('message', await transport.postJson<Answer<'message', Message>>(`${base}/messages`, body))
    }
  }
}
