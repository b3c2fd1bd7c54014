import { describe, expect, it } from 'vitest'
import { buildThreadRows, dayLabel, GROUP_GAP_MS, messageState, type ThreadMessage } from './thread'

const NOW = new Date(2026, 10, 20, 15, 0).getTime()
let n = 0
function msg(over: Partial<ThreadMessage>): ThreadMessage {
  n++
  return { key: `k${n}`, clientId: `c${n}`, seq: n, authorKind: 'customer', authorName: 'Kim', text: `m${n}`, createdAt: NOW, status: null, ...over }
}

describe('dayLabel', () => {
  it('says Today, Yesterday, else the date', () => {
    expect(dayLabel(NOW - 60_000, NOW)).toBe('Today')
    expect(dayLabel(new Date(2026, 10, 19, 23, 59).getTime(), NOW)).toBe('Yesterday')
    const older = dayLabel(new Date(2026, 10, 12, 9, 0).getTime(), NOW)
    expect(older).toMatch(/12/)
    expect(older).toMatch(/2026/)
  })

  it('handles the turn of a month', () => {
    const now = new Date(2026, 11, 1, 8, 0).getTime()
    expect(dayLabel(new Date(2026, 10, 30, 22, 0).getTime(), now)).toBe('Yesterday')
  })
})

describe('buildThreadRows', () => {
  it('puts a date separator before each new day', () => {
    const rows = buildThreadRows(
      [
        msg({ createdAt: new Date(2026, 10, 19, 10, 0).getTime() }),
        msg({ createdAt: new Date(2026, 10, 19, 10, 1).getTime() }),
        msg({ createdAt: new Date(2026, 10, 20, 9, 0).getTime() }),
      ],
      NOW,
    )
    expect(rows.map((r) => r.kind)).toEqual(['date', 'message', 'message', 'date', 'message'])
    expect(rows.filter((r) => r.kind === 'date').map((r) => (r.kind === 'date' ? r.label : ''))).toEqual(['Yesterday', 'Today'])
  })

  it('groups consecutive messages of the same author, and breaks groups on author, gap and events', () => {
    const t = NOW - 3600_000
    const rows = buildThreadRows(
      [
        msg({ createdAt: t }),
        msg({ createdAt: t + 1000 }),
        msg({ authorKind: 'agent', authorName: 'Ann', status: 'sent', createdAt: t + 2000 }),
        msg({ authorKind: 'agent', authorName: 'Ann', status: 'sent', createdAt: t + 3000 }),
        msg({ authorKind: 'agent', authorName: 'Ben', status: 'sent', createdAt: t + 4000 }),
        msg({ authorKind: 'system', authorName: null, text: 'Ben joined the chat', createdAt: t + 5000 }),
        msg({ authorKind: 'agent', authorName: 'Ben', status: 'sent', createdAt: t + 6000 }),
        msg({ authorKind: 'agent', authorName: 'Ben', status: 'sent', createdAt: t + 6000 + GROUP_GAP_MS }),
      ],
      NOW,
    )
    const shape = rows.map((r) => (r.kind === 'message' ? `${r.message.authorName}${r.groupStart ? '^' : ''}${r.groupEnd ? '$' : ''}` : r.kind))
    expect(shape).toEqual(['date', 'Kim^', 'Kim$', 'Ann^', 'Ann$', 'Ben^$', 'event', 'Ben^$', 'Ben^$'])
  })

  it('keeps a message with only files (no text) as a bubble with its files and upload progress', () => {
    const file = { key: 'a', id: null, name: 'clip.webm', mime: 'video/webm', kind: 'video' as const, size: 9, width: null, height: null, urls: null, blob: new Blob(['v']) }
    const rows = buildThreadRows([msg({ text: '', authorKind: 'agent', status: 'sending', seq: null, attachments: [file], progress: 0.4 })], NOW)
    const row = rows.find((r) => r.kind === 'message')
    expect(row && row.kind === 'message' && [row.message.attachments, row.message.progress]).toEqual([[file], 0.4])
  })

  it('prefixes keys so that several conversations can share one list', () => {
    const rows = buildThreadRows([msg({})], NOW, 'old:')
    expect(rows.every((r) => r.key.startsWith('old:'))).toBe(true)
  })
})

describe('messageState', () => {
  const receipts = { customerDeliveredSeq: 5, customerReadSeq: 3 }
  it('is null for the customer and for events', () => {
    expect(messageState(msg({ status: null }), receipts)).toBeNull()
  })
  it('follows the outbox, then the customer receipts', () => {
    expect(messageState(msg({ status: 'sending', seq: null }), receipts)).toBe('sending')
    expect(messageState(msg({ status: 'failed', seq: null }), receipts)).toBe('failed')
    expect(messageState(msg({ status: 'sent', seq: 3 }), receipts)).toBe('read')
    expect(messageState(msg({ status: 'sent', seq: 4 }), receipts)).toBe('delivered')
    expect(messageState(msg({ status: 'sent', seq: 5 }), receipts)).toBe('delivered')
    expect(messageState(msg({ status: 'sent', seq: 6 }), receipts)).toBe('sent')
    expect(messageState(msg({ status: 'sent', seq: 6 }), null)).toBe('sent')
  })
})
