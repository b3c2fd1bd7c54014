import { describe, expect, it } from 'vitest'
import { buildNotification, countText, parsePayload, showPush, type NotificationRegistration } from './notifications'

function fakeRegistration() {
  const list: { title: string; tag: string; body?: string; data: unknown; options: NotificationOptions; closed: boolean; close(): void }[] = []
  const reg: NotificationRegistration = {
    async getNotifications(filter) {
      return list.filter((n) => !n.closed && (!filter?.tag || n.tag === filter.tag))
    },
    async showNotification(title, options = {}) {
      const n = { title, tag: options.tag ?? '', body: options.body, data: options.data, options, closed: false, close() { n.closed = true } }
      list.push(n)
    },
  }
  return { reg, open: () => list.filter((n) => !n.closed) }
}

const msg = (conversationId: string, body: string) => JSON.stringify({ kind: 'message', conversationId, title: 'Ann Customer', body })

describe('parsePayload', () => {
  it('reads a PushPayload and refuses anything else', () => {
    expect(parsePayload(msg('c1', 'Hello'))).toEqual({ kind: 'message', conversationId: 'c1', title: 'Ann Customer', body: 'Hello' })
    expect(parsePayload('not json')).toBeNull()
    expect(parsePayload(JSON.stringify({ kind: 'spam', conversationId: 'c1', title: 't', body: 'b' }))).toBeNull()
    expect(parsePayload(JSON.stringify({ kind: 'message', conversationId: null, title: 't', body: 'b' }))).toBeNull()
    expect(parsePayload(null)).toBeNull()
  })
})

describe('away push', () => {
  it('is read without a conversation and opens Settings', async () => {
    const p = parsePayload(JSON.stringify({ kind: 'away', conversationId: null, title: "You're now Away", body: '2 offers ran out' }))
    expect(p).toEqual({ kind: 'away', conversationId: null, title: "You're now Away", body: '2 offers ran out' })
    const { reg, open } = fakeRegistration()
    await showPush(reg, p)
    expect(open()).toMatchObject([{ title: "You're now Away", body: '2 offers ran out', data: { kind: 'away', url: '/settings' } }])
  })
})

describe('showPush', () => {
  it('always shows something: a generic notification for an unreadable push', async () => {
    const { reg, open } = fakeRegistration()
    await showPush(reg, parsePayload('garbage'))
    expect(open()).toMatchObject([{ title: 'Parley', body: 'You have a new notification.' }])
  })

  it('shows the customer\'s name and words in their own direction (dir auto), whatever the interface', async () => {
    const { reg, open } = fakeRegistration()
    await showPush(reg, parsePayload(JSON.stringify({ kind: 'message', conversationId: 'c7', title: 'محمد 4711', body: 'שלום, ההזמנה שלי 4711 לא הגיעה.' })))
    expect(open()[0]!.options).toMatchObject({ dir: 'auto', body: 'שלום, ההזמנה שלי 4711 לא הגיעה.' })
    await showPush(reg, null)
    expect(open().every((n) => n.options.dir === 'auto')).toBe(true)
  })

  it('cuts a long body between graphemes: an emoji at the cut stays whole', () => {
    const p = parsePayload(JSON.stringify({ kind: 'message', conversationId: 'c8', title: 'Ann', body: 'x'.repeat(119) + '👨‍👩‍👧‍👦 family and more' }))
    expect(p!.body).toBe('x'.repeat(119) + '👨‍👩‍👧‍👦…')
    // What the server already cut stays as it is.
    expect(parsePayload(JSON.stringify({ kind: 'message', conversationId: 'c8', title: 'Ann', body: p!.body }))!.body).toBe(p!.body)
  })

  it('keeps one notification per conversation and counts its messages', async () => {
    const { reg, open } = fakeRegistration()
    await showPush(reg, parsePayload(msg('c1', 'Hello')))
    expect(open()).toMatchObject([{ title: 'Ann Customer', tag: 'conv-c1', body: 'Hello', data: { count: 1, url: '/conversations/c1', kind: 'message' } }])
    await showPush(reg, parsePayload(msg('c1', 'Are you there?')))
    await showPush(reg, parsePayload(msg('c2', 'Other')))
    await showPush(reg, parsePayload(msg('c1', 'Hello??')))
    const shown = open()
    expect(shown).toHaveLength(2)
    expect(shown.find((n) => n.tag === 'conv-c1')).toMatchObject({ body: '3 new messages', data: { count: 3 } })
    expect(shown.find((n) => n.tag === 'conv-c1')!.options).toMatchObject({ renotify: true })
  })

  it('gives offers Accept and Reject and keeps them until acted on; closes offers that ran out', async () => {
    const { reg, open } = fakeRegistration()
    const now = 1_000_000
    await showPush(reg, parsePayload(JSON.stringify({ kind: 'offer', conversationId: 'c9', title: 'Bob', body: 'New chat in Support', expiresAt: now + 30_000 })), now)
    expect(open()[0]!.options).toMatchObject({
      requireInteraction: true,
      actions: [{ action: 'accept', title: 'Accept' }, { action: 'reject', title: 'Reject' }],
      data: { kind: 'offer', conversationId: 'c9', expiresAt: now + 30_000 },
    })
    await showPush(reg, parsePayload(msg('c1', 'Hi')), now + 60_000)
    expect(open().map((n) => n.tag)).toEqual(['conv-c1'])
  })

  it('a message after an offer for the same conversation replaces it and starts counting at 1', () => {
    const { options } = buildNotification(parsePayload(msg('c9', 'Thanks')), [{ kind: 'offer', conversationId: 'c9', count: 1, url: '/conversations/c9' }])
    expect(options.body).toBe('Thanks')
    expect(options.data.count).toBe(1)
  })

  it('shows the test push as "Parley"', () => {
    const { title, options } = buildNotification(parsePayload(JSON.stringify({ kind: 'test', conversationId: null, title: 'Parley', body: 'Notifications are working.' })), [])
    expect(title).toBe('Parley')
    expect(options.body).toBe('Notifications are working.')
    expect(options.tag).toBe('parley-test')
  })

  it('tells an agent set Away after missed offers, opening Settings; a chat assigned by a supervisor opens with nothing to accept', () => {
    const away = buildNotification(parsePayload(JSON.stringify({ kind: 'away', conversationId: null, title: "You're now Away", body: 'You missed offers in a row.' })), [])
    expect(away.title).toBe("You're now Away")
    expect(away.options.data).toMatchObject({ kind: 'away', url: '/settings' })
    expect(away.options.actions).toBeUndefined()
    const assigned = buildNotification(parsePayload(JSON.stringify({ kind: 'assigned', conversationId: 'c9', title: 'Ann Customer', body: 'Assigned to you in Support' })), [])
    expect(assigned.options.data).toMatchObject({ kind: 'assigned', url: '/conversations/c9' })
    expect(assigned.options.actions).toBeUndefined()
    expect(parsePayload(JSON.stringify({ kind: 'assigned', conversationId: null, title: 't', body: 'b' }))).toBeNull()
  })

  it('words the count and the offer buttons in the agent\'s language, by the push\'s words', async () => {
    const words = { locale: 'ar', accept: 'قبول', reject: 'رفض', newMessages: 'لا رسائل جديدة | رسالة جديدة واحدة | رسالتان جديدتان | {n} رسائل جديدة | {n} رسالة جديدة | {n} رسالة جديدة', acceptFailed: 'تعذّر قبول المحادثة', noLongerOffered: 'لم تعد هذه المحادثة معروضة عليك.' }
    const first = buildNotification(parsePayload(JSON.stringify({ kind: 'message', conversationId: 'c1', title: 'سارة', body: 'مرحبا', words })), [])
    expect(first.options.body).toBe('مرحبا')
    const second = buildNotification(parsePayload(JSON.stringify({ kind: 'message', conversationId: 'c1', title: 'سارة', body: 'هل من أحد؟', words })), [first.options.data])
    expect(second.options.body).toBe('رسالتان جديدتان')
    expect(countText(words.newMessages, 'ar', 3)).toBe('3 رسائل جديدة')
    expect(countText('{n} neue Nachricht | {n} neue Nachrichten', 'de', 3)).toBe('3 neue Nachrichten')
    const offer = buildNotification(parsePayload(JSON.stringify({ kind: 'offer', conversationId: 'c2', title: 'Bob', body: 'x', words })), [])
    expect(offer.options.actions).toEqual([{ action: 'accept', title: 'قبول' }, { action: 'reject', title: 'رفض' }])
    expect(offer.options.data).toMatchObject({ acceptFailed: 'تعذّر قبول المحادثة' })
  })
})
