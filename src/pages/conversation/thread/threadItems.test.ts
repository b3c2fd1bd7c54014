import { describe, expect, it } from 'vitest'
import type { Conversation, Message } from '@/kernel/contract'
import type { ThreadMessage } from '@/entities/message/thread'
import { buildThreadItems, estimateItemSize } from './threadItems'

const day = new Date(2026, 10, 12, 10, 0).getTime()
const msg = (i: number, over: Partial<ThreadMessage> = {}): ThreadMessage => ({
  key: `m${i}`, clientId: `c${i}`, seq: i, authorKind: 'customer', authorName: 'Ann', text: `Hello ${i}`, createdAt: day + i * 1000, status: null, ...over,
})
const stored = (i: number, conversationId: string): Message =>
  ({ id: `p${i}`, conversationId, seq: i, clientId: `pc${i}`, authorKind: 'customer', authorName: 'Ann', text: `Old ${i}`, createdAt: day - 86_400_000 + i, attachments: [] }) as unknown as Message
const conv = (id: string) => ({ id, arrivedAt: day - 86_400_000, queue: { name: 'Support' } }) as unknown as Conversation

describe('buildThreadItems', () => {
  it('is the controls, then this conversation: a date separator and the messages, keyed as the messages', () => {
    const items = buildThreadItems({ sections: [], messages: [msg(1), msg(2)], currentLabel: 'This conversation', showTop: true, now: day })
    expect(items.map((i) => i.kind)).toEqual(['top', 'row', 'row', 'row'])
    expect(items.slice(2).map((i) => i.key)).toEqual(['m1', 'm2'])
  })

  it('puts each earlier conversation above with its divider, then "This conversation"', () => {
    const items = buildThreadItems({
      sections: [{ conversation: conv('a'), messages: [stored(1, 'a')] }, { conversation: conv('b'), messages: [] }],
      messages: [msg(1)], currentLabel: 'This conversation · x', showTop: false, now: day,
    })
    expect(items.map((i) => i.kind)).toEqual(['previous', 'row', 'row', 'previous', 'none', 'current', 'row', 'row'])
    expect(items.filter((i) => i.kind === 'row' && i.previous)).toHaveLength(2)
    // Keys stay unique across conversations (the same day's separator appears in each).
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length)
  })

  it('says "No messages yet" for an empty conversation', () => {
    const items = buildThreadItems({ sections: [], messages: [], currentLabel: '', showTop: false })
    expect(items).toEqual([{ kind: 'empty', key: 'empty' }])
  })

  it('guesses a taller row for a longer message', () => {
    const [, short] = buildThreadItems({ sections: [], messages: [msg(1)], currentLabel: '', showTop: false, now: day })
    const [, long] = buildThreadItems({ sections: [], messages: [msg(1, { text: 'x'.repeat(300) })], currentLabel: '', showTop: false, now: day })
    expect(estimateItemSize(long!)).toBeGreaterThan(estimateItemSize(short!))
  })
})
