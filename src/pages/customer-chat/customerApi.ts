// The customer page's calls, on the kernel's one HTTP client (errors are the kernel's ApiError).
// The customer authenticates with the chat token (Bearer); no cookie is involved.
import { apiBlob, apiJson, apiVoid } from '@/kernel/http/client'
import { isApiError } from '@/kernel/http/errors'
import { i18n } from '@/shared/i18n'
import type { Message, PublicConversation, PublicQueue, PublicStart } from '@/kernel/contract'
import { tellHost, tokenFromHost } from './embedToken'

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

const queuePath = (address: string) => `public/queues/${encodeURIComponent(address)}`

export const customerApi = {
  queue: (address: string) => apiJson<{ queue: PublicQueue }>('GET', queuePath(address)),
  start: (address: string, details: StartDetails, identity: StartIdentity = {}) =>
    apiJson<PublicStart>('POST', `${queuePath(address)}/conversations`, { json: { ...details, ...identity } }),
  conversation: (token: string) => apiJson<{ conversation: PublicConversation; messages: Message[] }>('GET', 'public/conversation', { token }),
  receipts: (token: string, body: { deliveredSeq?: number; readSeq?: number }) => apiVoid('POST', 'public/conversation/receipts', { token, json: body }),
  /** The ended chat's transcript (times in `tz`, the customer's zone). */
  transcript: (token: string, tz: string) => apiBlob('GET', 'public/conversation/transcript', { token, searchParams: { tz } }),
  rate: (token: string, score: number, comment: string) => apiVoid('POST', 'public/conversation/rating', { token, json: { score, ...(comment.trim() ? { comment } : {}) } }),
}

/** The customer's words for the server's error codes (its own messages are English). */
const CODE_MESSAGES = {
  conversation_ended: 'customer.errors.chatEnded',
  too_large: 'customer.errors.tooLarge',
  unsupported_type: 'customer.errors.unsupported',
  unsupported_media_type: 'customer.errors.unsupported',
  upload_quota: 'customer.errors.uploadQuota',
  video_too_long: 'customer.errors.videoTooLong',
  unauthorized: 'customer.errors.linkInvalid',
} as const

/**
 * What to tell the customer about a failed call, in the page's language: a sentence for each
 * error code the customer can meet, a plain "try again" for the rest (the server's own message is
 * English and written for developers).
 */
export function customerMessage(err: unknown): string {
  const t = i18n.global.t
  if (!isApiError(err) || err.isNetwork) return t('customer.errors.offline')
  if (err.status === 429 && err.code !== 'upload_quota') return t('customer.errors.tooMany')
  const known = CODE_MESSAGES[err.code as keyof typeof CODE_MESSAGES]
  return known ? t(known) : t('customer.errors.generic')
}

// The token of this browser's chat at an address. localStorage may be unavailable (private modes).
const tokenKey = (address: string) => `parley.chat.${address}`

export const tokenStore = {
  get(address: string): string | null {
    try {
      return localStorage.getItem(tokenKey(address)) ?? tokenFromHost()
    } catch {
      return tokenFromHost()
    }
  },
  set(address: string, token: string) {
    tellHost(address, token)
    try {
      localStorage.setItem(tokenKey(address), token)
    } catch {
      // The chat still works for this page view.
    }
  },
  clear(address: string) {
    tellHost(address, null)
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
      try {
        sessionStorage.setItem(IDENTITY_KEY, JSON.stringify({ userId, userHash }))
      } catch {
        // A framed page may get no storage (third-party storage blocked): the URL still has it.
      }
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
