import { describe, expect, it } from 'vitest'
import type { Message } from '@/shared/api/types'
import { mergeThread } from './thread'

const msg = (seq: number, clientId: string, authorKind: Message['authorKind'], text: string): Message => ({
  id: `id-${seq}`, conversationId: 'c', seq, clientId, authorKind, authorName: null, text, createdAt: seq * 1000, attachments: [],
})

describe('mergeThread', () => {
  it('shows pending messages after the stored ones and drops them once acknowledged', () => {
    const stored = [msg(1, 'a', 'customer', 'Hello'), msg(2, 'b', 'agent', 'Hi')]
    const pending = [
      { clientId: 'b', text: 'Hi', createdAt: 1500, status: 'pending' as const },
      { clientId: 'c', text: 'How can I help?', createdAt: 3000, status: 'pending' as const },
      { clientId: 'd', text: 'Refused', createdAt: 3500, status: 'failed' as const, error: 'ended' },
    ]
    const items = mergeThread(stored, pending, 'agent')
    expect(items.map((i) => [i.text, i.status])).toEqual([
      ['Hello', null],
      ['Hi', 'sent'],
      ['How can I help?', 'sending'],
      ['Refused', 'failed'],
    ])
  })
})
