import type { Conversation, PublicConversation } from '@/shared/api/types'

export type { Conversation } from '@/shared/api/types'

export type ListView = 'conversations' | 'picklist' | 'history'

/** Which list a conversation belongs to for the agent `me` (null: none of them). */
export function viewOf(c: Conversation, me: string | null): ListView | null {
  if (c.state === 'queued') return 'picklist'
  if (c.state === 'picked' && c.agentId === me) return 'conversations'
  if (c.state === 'offered' && c.offeredTo === me) return 'conversations'
  if (c.state === 'ended' && c.agentId === me) return 'history'
  return null
}

/** The customer's name, or their phone when there is no name. */
export function customerLabel(c: Conversation): string {
  return c.customer.name.trim() || c.customer.phone || c.customer.email || 'Unknown customer'
}

export function isPickedBy(c: Conversation, me: string | null): boolean {
  return c.state === 'picked' && me !== null && c.agentId === me
}

export function lastActivity(c: Conversation): number {
  return c.lastMessageAt ?? c.arrivedAt
}

/** Agents receive full conversations; this tells them apart from the customer shape. */
export function isAgentConversation(c: Conversation | PublicConversation): c is Conversation {
  return 'customer' in c && 'queue' in c
}
