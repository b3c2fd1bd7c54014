import { describe, expect, it } from 'vitest'
import { conv } from './testing'
import { customerLabel, isConversationSort, sortConversations, sortLabel, viewOf } from './types'

const ids = (list: { id: string }[]) => list.map((c) => c.id)

describe('sortConversations', () => {
  const a = conv({ id: 'a', customer: { id: 'ca', name: 'zed', email: null, phone: null }, arrivedAt: 100, lastMessageAt: 900, unread: 0 })
  const b = conv({ id: 'b', customer: { id: 'cb', name: 'Amy', email: null, phone: null }, arrivedAt: 300, lastMessageAt: 500, unread: 2 })
  const c = conv({ id: 'c', customer: { id: 'cc', name: '', email: null, phone: '+358 40 1' }, arrivedAt: 200, lastMessageAt: null, unread: 0 })
  const list = [a, b, c]

  it('Arrival time: the customer who has waited longest first', () => {
    expect(ids(sortConversations(list, 'arrival'))).toEqual(['a', 'c', 'b'])
  })

  it('Latest message: newest activity first (arrival when there are no messages)', () => {
    expect(ids(sortConversations(list, 'latest'))).toEqual(['a', 'b', 'c'])
  })

  it('Unread first, then latest message', () => {
    expect(ids(sortConversations(list, 'unread'))).toEqual(['b', 'a', 'c'])
  })

  it('Customer name: case-insensitive, a phone number when there is no name', () => {
    expect(ids(sortConversations(list, 'name'))).toEqual(['c', 'b', 'a'])
    expect(customerLabel(c)).toBe('+358 40 1')
  })

  it('Waiting longest: the oldest unanswered customer message first, answered chats after by latest', () => {
    const w1 = conv({ id: 'w1', waitingSince: 5000, lastMessageAt: 5000 })
    const w2 = conv({ id: 'w2', waitingSince: 1000, lastMessageAt: 6000 })
    expect(ids(sortConversations([...list, w1, w2], 'waiting'))).toEqual(['w2', 'w1', 'a', 'b', 'c'])
  })

  it('offers made to me come first, the one running out first on top, whatever the sort', () => {
    const o1 = conv({ id: 'o1', state: 'offered', agentId: null, offeredTo: 'me', offerExpiresAt: 9000 })
    const o2 = conv({ id: 'o2', state: 'offered', agentId: null, offeredTo: 'me', offerExpiresAt: 8000 })
    expect(ids(sortConversations([...list, o1, o2], 'name', 'me'))).toEqual(['o2', 'o1', 'c', 'b', 'a'])
  })

  it('does not change the list it was given', () => {
    const copy = [...list]
    sortConversations(list, 'name')
    expect(list).toEqual(copy)
  })

  it('knows its options', () => {
    expect(isConversationSort('unread')).toBe(true)
    expect(isConversationSort('bogus')).toBe(false)
    expect(sortLabel('arrival')).toBe('Arrival time')
  })
})

describe('viewOf', () => {
  it('puts each conversation in its list', () => {
    expect(viewOf(conv({ id: '1', state: 'queued', agentId: null }), 'me')).toBe('picklist')
    expect(viewOf(conv({ id: '2' }), 'me')).toBe('conversations')
    expect(viewOf(conv({ id: '3', agentId: 'other' }), 'me')).toBeNull()
    expect(viewOf(conv({ id: '4', state: 'offered', agentId: null, offeredTo: 'me' }), 'me')).toBe('conversations')
    expect(viewOf(conv({ id: '5', state: 'offered', agentId: null, offeredTo: 'other' }), 'me')).toBeNull()
    expect(viewOf(conv({ id: '6', state: 'ended' }), 'me')).toBe('history')
  })
})
