import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '@/shared/api/types'
import { ApiError } from '@/shared/api/errors'
import { openParleyDb, type OutboxItem, type ParleyDatabase } from '@/shared/db'
import { classifyFailure, Outbox, type OutboxOptions } from './outbox'

let dbCount = 0
const opened: ParleyDatabase[] = []
const outboxes: Outbox[] = []

async function freshDb(): Promise<ParleyDatabase> {
  const db = await openParleyDb(`parley-test-${++dbCount}`)
  opened.push(db)
  return db
}

function messageFor(item: OutboxItem, seq: number): Message {
  return {
    id: `m-${item.clientId}`,
    conversationId: item.conversationId,
    seq,
    clientId: item.clientId,
    authorKind: 'agent',
    authorName: 'Agent',
    text: item.text,
    createdAt: item.createdAt + 5,
    attachments: [],
  }
}

function makeOutbox(db: ParleyDatabase, opts: Partial<OutboxOptions> = {}) {
  const sent: OutboxItem[] = []
  let seq = 0
  const outbox = new Outbox({
    db: async () => db,
    send: async (item) => {
      sent.push(item)
      return messageFor(item, ++seq)
    },
    backoff: () => 60_000,
    ...opts,
  })
  outboxes.push(outbox)
  return { outbox, sent }
}

afterEach(() => {
  for (const o of outboxes.splice(0)) o.dispose()
  for (const db of opened.splice(0)) db.close()
})

describe('outbox', () => {
  it('writes to IndexedDB before sending, and shows the item as pending at once', async () => {
    const db = await freshDb()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const seen: OutboxItem[][] = []
    const { outbox } = makeOutbox(db, {
      send: async (item) => {
        expect(await db.get('outbox', item.clientId)).toMatchObject({ status: 'pending', text: 'Hi! 😊' })
        await gate
        return messageFor(item, 1)
      },
    })
    outbox.subscribe((items) => seen.push(items))
    const item = await outbox.enqueue({ conversationId: 'c1', text: 'Hi! 😊' })
    expect(await db.get('outbox', item.clientId)).toMatchObject({ conversationId: 'c1', status: 'pending' })
    expect(outbox.list('c1').map((i) => i.text)).toEqual(['Hi! 😊'])
    expect(seen[0]?.map((i) => i.status)).toEqual(['pending'])
    release()
    await outbox.flush()
    await vi.waitFor(async () => expect(await db.count('outbox')).toBe(0))
    expect(outbox.list()).toEqual([])
  })

  it('sends in creation order per conversation and hands each server message over', async () => {
    const db = await freshDb()
    const acknowledged: Array<[string, string]> = []
    const { outbox, sent } = makeOutbox(db, { onSent: (item, m) => acknowledged.push([item.clientId, m.clientId]) })
    // Stored while "offline" (paused by a 401) so nothing goes out until flush.
    for (const [i, text] of ['one', 'two', 'three'].entries()) {
      await db.put('outbox', { clientId: `id-${9 - i}`, conversationId: 'c1', text, createdAt: 1000 + i, status: 'pending', attempts: 0 })
    }
    await db.put('outbox', { clientId: 'id-b', conversationId: 'c2', text: 'other', createdAt: 999, status: 'pending', attempts: 0 })
    await outbox.load()
    await outbox.flush()
    expect(sent.filter((i) => i.conversationId === 'c1').map((i) => i.text)).toEqual(['one', 'two', 'three'])
    expect(sent.map((i) => i.text)).toContain('other')
    expect(acknowledged.every(([a, b]) => a === b)).toBe(true)
    expect(acknowledged).toHaveLength(4)
    expect(await db.count('outbox')).toBe(0)
  })

  it('enqueue keeps creation order even within the same millisecond', async () => {
    const db = await freshDb()
    const { outbox, sent } = makeOutbox(db, { now: () => 5000 })
    await Promise.all(['a', 'b', 'c', 'd'].map((text) => outbox.enqueue({ conversationId: 'c1', text })))
    await outbox.flush()
    expect(sent.map((i) => i.text)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('ignores a repeated clientId', async () => {
    const db = await freshDb()
    const { outbox, sent } = makeOutbox(db)
    const clientId = crypto.randomUUID()
    await outbox.enqueue({ conversationId: 'c1', clientId, text: 'once' })
    await outbox.enqueue({ conversationId: 'c1', clientId, text: 'once' })
    await outbox.flush()
    expect(sent.map((i) => i.clientId)).toEqual([clientId])
  })

  it('classifies failures', () => {
    expect(classifyFailure(new ApiError(0, 'network', 'offline'))).toBe('retry')
    expect(classifyFailure(new ApiError(503, 'unavailable', 'down'))).toBe('retry')
    expect(classifyFailure(new ApiError(500, 'internal', 'oops'))).toBe('retry')
    expect(classifyFailure(new ApiError(429, 'rate_limited', 'slow down'))).toBe('retry')
    expect(classifyFailure(new ApiError(401, 'unauthorized', 'sign in'))).toBe('unauthorized')
    expect(classifyFailure(new ApiError(409, 'conversation_ended', 'ended'))).toBe('failed')
    expect(classifyFailure(new ApiError(400, 'bad_request', 'bad'))).toBe('failed')
    expect(classifyFailure(new TypeError('Failed to fetch'))).toBe('retry')
  })

  it('keeps a transiently failing item, retries later, and never blocks another conversation', async () => {
    const db = await freshDb()
    let down = true
    const sent: string[] = []
    const backoff = vi.fn(() => 60_000)
    const { outbox } = makeOutbox(db, {
      backoff,
      send: async (item) => {
        if (item.conversationId === 'c1' && down) throw new ApiError(503, 'unavailable', 'Service unavailable')
        sent.push(item.text)
        return messageFor(item, sent.length)
      },
    })
    await outbox.enqueue({ conversationId: 'c1', text: 'a1' })
    await outbox.enqueue({ conversationId: 'c1', text: 'a2' })
    await outbox.enqueue({ conversationId: 'c2', text: 'b1' })
    await outbox.flush()
    expect(sent).toEqual(['b1'])
    const left = outbox.list('c1')
    expect(left.map((i) => [i.text, i.status])).toEqual([['a1', 'pending'], ['a2', 'pending']])
    expect(left[0]!.attempts).toBeGreaterThan(0)
    expect(backoff).toHaveBeenCalled()

    down = false
    await outbox.flush()
    expect(sent).toEqual(['b1', 'a1', 'a2'])
    expect(outbox.list()).toEqual([])
  })

  it('retries on its own after the backoff delay', async () => {
    const db = await freshDb()
    let calls = 0
    const { outbox } = makeOutbox(db, {
      backoff: () => 5,
      send: async (item) => {
        if (++calls < 3) throw new ApiError(0, 'network', 'offline')
        return messageFor(item, 1)
      },
    })
    await outbox.enqueue({ conversationId: 'c1', text: 'eventually' })
    await vi.waitFor(() => expect(outbox.list()).toEqual([]), { timeout: 2000 })
    expect(calls).toBe(3)
  })

  it('marks a refused item failed with the reason, carries on with the next, and can retry it', async () => {
    const db = await freshDb()
    let refuse = true
    const sent: string[] = []
    const { outbox } = makeOutbox(db, {
      send: async (item) => {
        if (item.text === 'bad' && refuse) throw new ApiError(409, 'not_owner', 'You are not handling this conversation')
        sent.push(item.text)
        return messageFor(item, sent.length)
      },
    })
    const bad = await outbox.enqueue({ conversationId: 'c1', text: 'bad' })
    await outbox.enqueue({ conversationId: 'c1', text: 'good' })
    await outbox.flush()
    expect(sent).toEqual(['good'])
    expect(outbox.list()).toMatchObject([{ text: 'bad', status: 'failed', error: 'You are not handling this conversation' }])
    expect(await db.get('outbox', bad.clientId)).toMatchObject({ status: 'failed' })

    refuse = false
    await outbox.retry(bad.clientId)
    expect(sent).toEqual(['good', 'bad'])
    expect(outbox.list()).toEqual([])
  })

  it('on 401 keeps everything, asks for sign-in and waits for resume()', async () => {
    const db = await freshDb()
    let signedIn = false
    const onUnauthorized = vi.fn()
    const sent: string[] = []
    const { outbox } = makeOutbox(db, {
      onUnauthorized,
      send: async (item) => {
        if (!signedIn) throw new ApiError(401, 'unauthorized', 'Sign in')
        sent.push(item.text)
        return messageFor(item, sent.length)
      },
    })
    await outbox.enqueue({ conversationId: 'c1', text: 'x' })
    await outbox.enqueue({ conversationId: 'c2', text: 'y' })
    await outbox.flush()
    expect(onUnauthorized).toHaveBeenCalled()
    expect(outbox.isPaused).toBe(true)
    expect(outbox.list().map((i) => i.status)).toEqual(['pending', 'pending'])

    signedIn = true
    await outbox.flush()
    expect(sent).toEqual([])
    await outbox.resume()
    expect(sent.sort()).toEqual(['x', 'y'])
  })

  it('survives a reload: a new outbox loads and sends what was stored', async () => {
    const db = await freshDb()
    const first = makeOutbox(db, { send: async () => { throw new ApiError(0, 'network', 'offline') } })
    await first.outbox.enqueue({ conversationId: 'c1', text: 'kept' })
    await first.outbox.flush()
    first.outbox.dispose()

    const second = makeOutbox(db)
    expect((await second.outbox.load()).map((i) => i.text)).toEqual(['kept'])
    await second.outbox.flush()
    expect(second.sent.map((i) => i.text)).toEqual(['kept'])
  })
})
