// HTTP calls of the customer chat page. Self-contained on purpose: this page is its own lazy
// chunk and must not pull in the agent app's api client, stores or entities.
import ky, { HTTPError } from 'ky'
import type { ApiError, Attachment, FileRules, Message, PublicConversation, PublicStart } from '../../../server/src/api-types'

const http = ky.create({ retry: 0, timeout: 15_000, credentials: 'omit' })

const auth = (token: string) => ({ Authorization: `Bearer ${token}` })

export interface StartDetails {
  name: string
  email?: string
  phone?: string
}

/**
 * What links a new chat to this customer's earlier ones (issue 10, point 6): this browser's
 * device key, and the user id the company's website signed, when it passed one.
 */
export interface StartIdentity {
  deviceKey?: string
  userId?: string
  userHash?: string
}

export const customerHttp = {
  queue: (address: string) =>
    http.get(`/api/public/queues/${encodeURIComponent(address)}`).json<{ queue: { name: string; address: string } }>(),
  start: (address: string, details: StartDetails, identity: StartIdentity = {}) =>
    http.post(`/api/public/queues/${encodeURIComponent(address)}/conversations`, { json: { ...details, ...identity } }).json<PublicStart>(),
  conversation: (token: string) =>
    http.get('/api/public/conversation', { headers: auth(token) }).json<{ conversation: PublicConversation; messages: Message[] }>(),
  send: (token: string, body: { clientId: string; text: string; attachmentIds?: string[] }) =>
    http.post('/api/public/conversation/messages', { headers: auth(token), json: body }).json<{ message: Message }>(),
  receipts: async (token: string, body: { deliveredSeq?: number; readSeq?: number }) => {
    await http.post('/api/public/conversation/receipts', { headers: auth(token), json: body })
  },
  fileRules: () => http.get('/api/public/settings/files').json<{ files: FileRules }>(),
  upload: (token: string, file: Blob, name: string, onProgress: (sent: number) => void) => uploadFile(token, file, name, onProgress),
}

/** An upload the server refused (the XHR's status and body; describeError reads it like an HTTPError). */
export class UploadError extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`Upload failed: ${status}`)
    this.name = 'UploadError'
  }
}

const UPLOAD_TIMEOUT_MS = 5 * 60_000

/** POST a file as multipart with upload progress (fetch can't report it over HTTP/1.1). */
function uploadFile(token: string, file: Blob, name: string, onProgress: (sent: number) => void): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/public/conversation/attachments')
    xhr.setRequestHeader('Authorization', `Bearer ${token}`)
    xhr.timeout = UPLOAD_TIMEOUT_MS
    xhr.upload.onprogress = (e) => onProgress(e.loaded)
    xhr.onload = () => {
      if (xhr.status === 201) {
        try {
          resolve((JSON.parse(xhr.responseText) as { attachment: Attachment }).attachment)
        } catch {
          reject(new UploadError(500, ''))
        }
      } else reject(new UploadError(xhr.status, xhr.responseText))
    }
    // Network failure or timeout: status 0, worth retrying.
    xhr.onerror = xhr.ontimeout = xhr.onabort = () => reject(new UploadError(0, ''))
    const form = new FormData()
    form.append('file', file, name)
    xhr.send(form)
  })
}

/** What went wrong with a request: the HTTP status (0 when the network failed) and a message to show. */
export interface RequestFailure {
  status: number
  code: string
  message: string
}

export async function describeError(err: unknown): Promise<RequestFailure> {
  if (err instanceof UploadError && err.status > 0) {
    let body: Partial<ApiError> | undefined
    try {
      body = JSON.parse(err.body) as Partial<ApiError>
    } catch {
      body = undefined
    }
    return {
      status: err.status,
      code: body?.error?.code ?? 'http_error',
      message: body?.error?.message ?? (err.status === 413 ? 'This file is too big.' : 'The file could not be sent. Please try again.'),
    }
  }
  if (err instanceof HTTPError) {
    const status = err.response.status
    let body: Partial<ApiError> | undefined
    try {
      body = (await err.response.clone().json()) as Partial<ApiError>
    } catch {
      body = undefined
    }
    return {
      status,
      code: body?.error?.code ?? 'http_error',
      message: body?.error?.message ?? (status === 429 ? 'Too many attempts. Please wait a moment and try again.' : 'Something went wrong. Please try again.'),
    }
  }
  return { status: 0, code: 'network', message: 'Can’t reach the server. Check your connection and try again.' }
}

/** Network failures and server errors are worth retrying; other answers will not change. */
export const isRetryable = (f: RequestFailure) => f.status === 0 || f.status >= 500 || f.status === 429

// The token of this browser's chat at an address. localStorage may be unavailable (private modes).
const tokenKey = (address: string) => `parley.chat.${address}`

export const tokenStore = {
  get(address: string): string | null {
    try {
      return localStorage.getItem(tokenKey(address))
    } catch {
      return null
    }
  },
  set(address: string, token: string) {
    try {
      localStorage.setItem(tokenKey(address), token)
    } catch {
      // The chat still works for this page view.
    }
  },
  clear(address: string) {
    try {
      localStorage.removeItem(tokenKey(address))
    } catch {
      // Nothing stored.
    }
  },
}

const DEVICE_KEY = 'parley.device'
const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/**
 * This browser's long-lived random device key (32 bytes from crypto.getRandomValues), made on
 * first use and kept in localStorage. The server stores only its hash; chats started with the
 * same key are one customer's history. Undefined when storage is unavailable (private modes).
 */
export function deviceKey(): string | undefined {
  try {
    let key = localStorage.getItem(DEVICE_KEY)
    if (!key || !/^[A-Za-z0-9_-]{43}$/.test(key)) {
      key = base64url(crypto.getRandomValues(new Uint8Array(32)))
      localStorage.setItem(DEVICE_KEY, key)
    }
    return key
  } catch {
    return undefined
  }
}

const IDENTITY_KEY = 'parley.identity'

/**
 * The identity the company's website signed, from the chat URL (`?user_id=…&user_hash=…`).
 * It is kept for this tab (sessionStorage) and taken out of the address bar, so it is not
 * bookmarked or shared with the link.
 */
export function signedIdentity(): { userId: string; userHash: string } | undefined {
  try {
    const url = new URL(window.location.href)
    const userId = url.searchParams.get('user_id')
    const userHash = url.searchParams.get('user_hash')
    if (userId && userHash) {
      sessionStorage.setItem(IDENTITY_KEY, JSON.stringify({ userId, userHash }))
      url.searchParams.delete('user_id')
      url.searchParams.delete('user_hash')
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
      return { userId, userHash }
    }
    const saved = JSON.parse(sessionStorage.getItem(IDENTITY_KEY) ?? 'null') as { userId?: unknown; userHash?: unknown } | null
    if (typeof saved?.userId === 'string' && typeof saved.userHash === 'string') return { userId: saved.userId, userHash: saved.userHash }
  } catch {
    // No storage or a malformed URL: the chat starts without it.
  }
  return undefined
}

