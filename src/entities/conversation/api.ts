import { apiJson, apiVoid } from '@/shared/api/client'
import type { Conversation } from '@/shared/api/types'
import type { ListView } from './types'

export async function listConversations(view: ListView): Promise<Conversation[]> {
  return (await apiJson<{ conversations: Conversation[] }>('GET', 'conversations', { searchParams: { view } })).conversations
}

export async function getConversation(id: string): Promise<Conversation> {
  return (await apiJson<{ conversation: Conversation }>('GET', `conversations/${encodeURIComponent(id)}`)).conversation
}

export async function pickConversation(id: string): Promise<Conversation> {
  return (await apiJson<{ conversation: Conversation }>('POST', `conversations/${encodeURIComponent(id)}/pick`)).conversation
}

export async function endConversation(id: string): Promise<Conversation> {
  return (await apiJson<{ conversation: Conversation }>('POST', `conversations/${encodeURIComponent(id)}/end`)).conversation
}

export function markRead(id: string, seq: number): Promise<void> {
  return apiVoid('POST', `conversations/${encodeURIComponent(id)}/read`, { json: { seq } })
}
