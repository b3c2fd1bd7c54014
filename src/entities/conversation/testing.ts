import type { Conversation, Message } from '@/kernel/contract'

/** A conversation for unit tests. */
export function conv(over: Partial<Conversation> & { id: string }): Conversation {
  return {
    state: 'picked',
    channel: 'web',
    queue: { id: 'q1', name: 'Support', address: 'support' },
    customer: { id: `cu-${over.id}`, name: `Customer ${over.id}`, email: null, phone: null },
    agentId: 'me',
    agentName: 'Me',
    arrivedAt: 1000,
    endedAt: null,
    lastMessageAt: null,
    waitingSince: null,
    lastMessage: null,
    unread: 0,
    customerDeliveredSeq: 0,
    customerReadSeq: 0,
    offeredTo: null,
    offerExpiresAt: null,
    ...over,
  }
}

export function msg(conversationId: string, seq: number, authorKind: Message['authorKind'] = 'customer', createdAt = 5000 + seq): Message {
  return { id: `m-${conversationId}-${seq}`, conversationId, seq, clientId: `c-${conversationId}-${seq}`, authorKind, authorName: null, text: `text ${seq}`, createdAt, attachments: [] }
}
