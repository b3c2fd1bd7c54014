import { apiJson, apiVoid } from '@/kernel/http/client'
import type { Conversation } from '@/kernel/contract'
import type { ListView } from './types'

export async function listConversations(view: ListView): Promise<Conversation[]> {
  return (await apiJson<{ conversations: Conversation[] }>('GET', 'conversations', { searchParams: { view } })).conversations
}

/** History pages: newest ended first, `limit` per page; `nextCursor` null on the last page. */
export const HISTORY_PAGE = 50
export async function listHistoryPage(cursor?: string): Promise<{ conversations: Conversation[]; nextCursor: string | null }> {
  return apiJson<{ conversations: Conversation[]; nextCursor: string | null }>('GET', 'conversations', {
    searchParams: { view: 'history', limit: HISTORY_PAGE, cursor },
  })
}

export async function getConversation(id: string): Promise<Conversation> {
  return (await apiJson<{ conversation: Conversation }>('GET', `conversations/${encodeURIComponent(id)}`)).conversation
}

export async function pickConversation(id: string): Promise<Conversation> {
  return (await apiJson<{ conversation: Conversation }>('POST', `conversations/${encodeURIComponent(id)}/pick`)).conversation
}

export function markRead(id: string, seq: number): Promise<void> {
  return apiVoid('POST', `conversations/${encodeURIComponent(id)}/read`, { json: { seq } })
}

/** Accept an offer made to me: it becomes mine (409 `offer_gone` when it ran out or moved on). */
export async function acceptConversation(id: string): Promise<Conversation> {
  return (await apiJson<{ conversation: Conversation }>('POST', `conversations/${encodeURIComponent(id)}/accept`)).conversation
}

/** Reject an offer made to me: the server offers it to the next agent or queues it. */
export function rejectConversation(id: string): Promise<void> {
  return apiVoid('POST', `conversations/${encodeURIComponent(id)}/reject`)
}
