// The customer page's calls, on the kernel's one HTTP client (errors are the kernel's ApiError).
// The customer authenticates with the chat token (Bearer); no cookie is involved.
import { apiJson, apiVoid } from '@/kernel/http/client'
import { isApiError } from '@/kernel/http/errors'
import type { FileRules, Message, PublicConversation, PublicStart } from '@/kernel/contract'

export interface StartDetails {
  name: string
  email?: string
  phone?: string
}

const queuePath = (address: string) => `public/queues/${encodeURIComponent(address)}`

export const customerApi = {
  queue: (address: string) => apiJson<{ queue: { name: string; address: string } }>('GET', queuePath(address)),
  start: (address: string, details: StartDetails) => apiJson<PublicStart>('POST', `${queuePath(address)}/conversations`, { json: details }),
  conversation: (token: string) => apiJson<{ conversation: PublicConversation; messages: Message[] }>('GET', 'public/conversation', { token }),
  receipts: (token: string, body: { deliveredSeq?: number; readSeq?: number }) => apiVoid('POST', 'public/conversation/receipts', { token, json: body }),
  fileRules: () => apiJson<{ files: FileRules }>('GET', 'public/settings/files'),
}

/** What to tell the customer about a failed call (the server's words, else a plain sentence). */
export function customerMessage(err: unknown): string {
  if (!isApiError(err) || err.isNetwork) return 'Can’t reach the server. Check your connection and try again.'
  if (err.status === 429) return 'Too many attempts. Please wait a moment and try again.'
  return err.message || 'Something went wrong. Please try again.'
}

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
