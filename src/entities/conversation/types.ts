import { i18n } from '@/shared/i18n'
import type { Conversation, PublicConversation } from '@/kernel/contract'

export type { Conversation } from '@/kernel/contract'

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
  return c.customer.name.trim() || c.customer.phone || c.customer.email || i18n.global.t('list.unknownCustomer')
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

/** An offer made to `me` that is still waiting for Accept / Reject. */
export function isOfferedTo(c: Conversation, me: string | null): boolean {
  return c.state === 'offered' && me !== null && c.offeredTo === me
}

export const SORT_OPTIONS = [
  { value: 'arrival' },
  { value: 'latest' },
  { value: 'unread' },
  { value: 'name' },
  { value: 'waiting' },
] as const

export type ConversationSort = (typeof SORT_OPTIONS)[number]['value']

export const DEFAULT_SORT: ConversationSort = 'latest'

export function isConversationSort(v: unknown): v is ConversationSort {
  return SORT_OPTIONS.some((o) => o.value === v)
}

/** The order's name in the interface language. */
export function sortLabel(sort: ConversationSort): string {
  return i18n.global.t(`list.sort.${sort}`)
}

const nameCollator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })
const byLatest = (a: Conversation, b: Conversation) => lastActivity(b) - lastActivity(a) || a.id.localeCompare(b.id)

/**
 * The order of the Conversations list: offers waiting for me first (the one running out first on
 * top), then the agent's choice. Arrival time puts the customer who has waited longest first;
 * Waiting longest, the one waiting longest for a reply (`waitingSince`, unanswered ones first).
 * Returns a new array.
 */
export function sortConversations(list: readonly Conversation[], sort: ConversationSort, me: string | null = null): Conversation[] {
  const compare: Record<ConversationSort, (a: Conversation, b: Conversation) => number> = {
    arrival: (a, b) => a.arrivedAt - b.arrivedAt || byLatest(a, b),
    latest: byLatest,
    unread: (a, b) => Number(b.unread > 0) - Number(a.unread > 0) || byLatest(a, b),
    name: (a, b) => nameCollator.compare(customerLabel(a), customerLabel(b)) || byLatest(a, b),
    // The customer waiting longest for a reply first; answered chats after, newest first.
    waiting: (a, b) => (a.waitingSince ?? Infinity) - (b.waitingSince ?? Infinity) || byLatest(a, b),
  }
  const offers = list.filter((c) => isOfferedTo(c, me)).sort((a, b) => (a.offerExpiresAt ?? 0) - (b.offerExpiresAt ?? 0))
  const rest = list.filter((c) => !isOfferedTo(c, me)).sort(compare[sort])
  return [...offers, ...rest]
}
