import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '@/kernel/contract'
import { ApiError } from '@/kernel/http/errors'
import { openParleyDb, type OutboxItem, type ParleyDatabase } from '@/kernel/db'
import { DB_VERSION } from '@/kernel/db/schema'
import { openReleasedV1 } from '@/kernel/db/testing'
import { classifyFailure, Outbox, type OutboxOptions } from './outbox'
import { sendItem, type Transport } from './send'

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
    const { outbox, sent } = makeOutbox(db, { onSent: (item, m) => acknowledged.push([item.clientId, (m as Message).clientId]) })
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

/** A server in memory behind the Transport interface: real sendItem, real FormData. */
function fakeServer() {
  const uploads: Array<{ fields: string[]; name: string; size: number }> = []
  const posts: Array<{ path: string; body: Record<string, unknown> | undefined }> = []
  const byClientId = new Map<string, Message>()
  let seq = 0
  let nextError: ((path: string, body: unknown) => ApiError | null) | null = null
  const transport: Transport = {
    async postJson<T>(path: string, body?: unknown): Promise<T> {
      const err = nextError?.(path, body)
      if (err) throw err
      const b = body as Record<string, unknown> | undefined
      posts.push({ path, body: b })
      const conversationId = decodeURIComponent(path.split('/')[1]!)
      if (path.endsWith('/messages')) {
        const clientId = String(b!.clientId)
        // The server's dedupe: a repeated clientId answers the stored message.
        const known = byClientId.get(clientId)
        if (known) return { message: known } as T
        const m: Message = {
          id: `m${++seq}`, conversationId, seq, clientId, authorKind: 'agent', authorName: 'A', text: String(b!.text), createdAt: seq, attachments: [],
        }
        byClientId.set(clientId, m)
        return { message: m } as T
      }
      if (path.endsWith('/notes')) return { note: { id: `n${++seq}`, conversationId, authorId: 'u', authorName: 'A', text: String(b!.text), createdAt: seq } } as T
      return { conversation: { id: conversationId, state: 'ended' } } as T
    },
    async postForm<T>(path: string, form: FormData, onProgress?: (sent: number, total: number) => void): Promise<T> {
      const err = nextError?.(path, form)
      if (err) throw err
      const file = form.get('file') as File
      onProgress?.(file.size / 2, file.size)
      onProgress?.(file.size, file.size)
      uploads.push({ fields: [...form.keys()], name: file.name, size: file.size })
      return { attachment: { id: `att-${uploads.length}` } } as T
    },
  }
  return {
    transport, uploads, posts,
    failWith: (f: typeof nextError) => (nextError = f),
    messages: () => [...byClientId.values()],
  }
}

function serverOutbox(db: ParleyDatabase, server: ReturnType<typeof fakeServer>, opts: Partial<OutboxOptions> = {}) {
  const outbox = new Outbox({ db: async () => db, send: (item, ctx) => sendItem(item, server.transport, ctx), backoff: () => 60_000, ...opts })
  outboxes.push(outbox)
  return outbox
}

const png = (bytes: number) => new Blob([new Uint8Array(bytes)], { type: 'image/png' })

describe('outbox: attachments', () => {
  it('uploads each file (recorded=1 before the file), then sends the message with their ids, reporting progress', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const progress: Array<[string, number | null]> = []
    const outbox = serverOutbox(db, server, { onProgress: (id, f) => progress.push([id, f]) })
    const item = await outbox.enqueue({
      conversationId: 'c1', text: 'look',
      attachments: [{ blob: png(300), name: 'photo.png' }, { blob: new Blob([new Uint8Array(100)], { type: 'video/webm' }), name: 'clip.webm', recorded: true }],
    })
    await outbox.flush()
    expect(server.uploads).toEqual([
      { fields: ['file'], name: 'photo.png', size: 300 },
      { fields: ['recorded', 'file'], name: 'clip.webm', size: 100 },
    ])
    expect(server.posts).toEqual([{ path: 'conversations/c1/messages', body: { clientId: item.clientId, text: 'look', attachmentIds: ['att-1', 'att-2'] } }])
    const fractions = progress.filter(([id]) => id === item.clientId).map(([, f]) => f)
    const numbers = fractions.filter((f): f is number => f !== null)
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    expect(numbers).toContain(0.375)
    expect(numbers.at(-1)).toBe(1)
    expect(fractions.at(-1)).toBeNull()
    expect(await db.count('outbox')).toBe(0)
  })

  it('keeps uploaded ids across retries and a reload: each file goes up once', async () => {
    const db = await freshDb()
    const server = fakeServer()
    // The second file's upload hits a dead network.
    server.failWith((path, body) => (body instanceof FormData && (body.get('file') as File).name === 'b.png' ? new ApiError(0, 'network', 'offline') : null))
    const first = serverOutbox(db, server)
    const item = await first.enqueue({ conversationId: 'c1', text: '', attachments: [{ blob: png(10), name: 'a.png' }, { blob: png(20), name: 'b.png' }] })
    await first.flush()
    const stored = await db.get('outbox', item.clientId)
    expect(stored?.status).toBe('pending')
    expect(stored?.attachments?.map((a) => a.uploadedId ?? null)).toEqual(['att-1', null])
    expect(stored?.attachments?.[1]?.blob.size).toBe(20)
    first.dispose()

    // The message POST fails once with 503 after both uploads: still no second upload of either.
    let failed = false
    server.failWith((path) => (path.endsWith('/messages') && !failed ? ((failed = true), new ApiError(503, 'unavailable', 'down')) : null))
    const second = serverOutbox(db, server)
    await second.load()
    await second.flush()
    expect((await db.get('outbox', item.clientId))?.attachments?.map((a) => a.uploadedId)).toEqual(['att-1', 'att-2'])
    await second.flush()
    expect(server.uploads.map((u) => u.name)).toEqual(['a.png', 'b.png'])
    expect(server.messages()).toHaveLength(1)
    expect(server.posts.at(-1)?.body).toMatchObject({ attachmentIds: ['att-1', 'att-2'] })
    expect(await db.count('outbox')).toBe(0)
  })

  it('a refused file (413, 415) fails the item with the server reason and keeps its Blob for a retry', async () => {
    const db = await freshDb()
    const server = fakeServer()
    server.failWith((path) => (path.endsWith('/attachments') ? new ApiError(415, 'type_not_allowed', 'Files of type exe are not allowed') : null))
    const outbox = serverOutbox(db, server)
    const bad = await outbox.enqueue({ conversationId: 'c1', text: 'file', attachments: [{ blob: png(5), name: 'x.exe' }] })
    await outbox.enqueue({ conversationId: 'c1', text: 'next' })
    await outbox.flush()
    expect(outbox.list()).toMatchObject([{ clientId: bad.clientId, status: 'failed', error: 'Files of type exe are not allowed' }])
    expect((await db.get('outbox', bad.clientId))?.attachments?.[0]?.blob.size).toBe(5)
    expect(server.messages().map((m) => m.text)).toEqual(['next'])

    server.failWith(null)
    await outbox.retry(bad.clientId)
    expect(server.messages().map((m) => m.text)).toEqual(['next', 'file'])
  })
})

describe('outbox: retry classes against a server', () => {
  it.each([
    ['no network', new ApiError(0, 'network', 'offline'), 'pending'],
    ['5xx', new ApiError(502, 'bad_gateway', 'Bad gateway'), 'pending'],
    ['429', new ApiError(429, 'rate_limited', 'Slow down'), 'pending'],
    ['408', new ApiError(408, 'timeout', 'Timeout'), 'pending'],
    ['4xx', new ApiError(400, 'bad_request', 'Text too long'), 'failed'],
  ] as const)('%s leaves the item %s', async (_label, error, status) => {
    const db = await freshDb()
    const server = fakeServer()
    server.failWith(() => error)
    const outbox = serverOutbox(db, server)
    const item = await outbox.enqueue({ conversationId: 'c1', text: 'x' })
    await outbox.flush()
    const stored = await db.get('outbox', item.clientId)
    expect(stored?.status).toBe(status)
    expect(stored?.attempts).toBeGreaterThan(0)
    expect(server.messages()).toEqual([])
  })

  it('a message resent after a lost answer is stored once (dedupe by clientId)', async () => {
    const db = await freshDb()
    const server = fakeServer()
    let lose = true
    // The server stores it, but the answer never arrives.
    const lossy: Transport = {
      ...server.transport,
      async postJson<T>(path: string, body?: unknown) {
        const res = await server.transport.postJson<T>(path, body)
        if (lose) {
          lose = false
          throw new ApiError(0, 'network', 'connection reset')
        }
        return res
      },
    }
    const outbox = new Outbox({ db: async () => db, send: (item, ctx) => sendItem(item, lossy, ctx), backoff: () => 60_000 })
    outboxes.push(outbox)
    await outbox.enqueue({ conversationId: 'c1', text: 'once' })
    await outbox.flush()
    await outbox.flush()
    expect(server.posts).toHaveLength(2)
    expect(server.messages().map((m) => m.text)).toEqual(['once'])
    expect(await db.count('outbox')).toBe(0)
  })
})

describe('outbox: queued actions', () => {
  it('sends messages, notes, End and Transfer of a conversation in the order they were made', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const outbox = serverOutbox(db, server, { now: () => 1 })
    server.failWith(() => new ApiError(0, 'network', 'offline'))
    await outbox.enqueue({ conversationId: 'c1', text: 'm1' })
    await outbox.enqueue({ conversationId: 'c1', kind: 'note', text: 'note after m1' })
    await outbox.enqueue({ conversationId: 'c1', text: 'm2' })
    await outbox.enqueue({ conversationId: 'c2', kind: 'transfer', text: 'over to you', transfer: { queueId: 'q2', agentId: 'u9', targetName: 'Dana' } })
    await outbox.enqueue({ conversationId: 'c1', kind: 'end', text: '' })
    await outbox.flush()
    expect(server.posts).toEqual([])

    server.failWith(null)
    await outbox.flush()
    const c1 = server.posts.filter((p) => p.path.startsWith('conversations/c1/'))
    expect(c1.map((p) => p.path.split('/')[2])).toEqual(['messages', 'notes', 'messages', 'end'])
    expect(c1[1]?.body).toMatchObject({ text: 'note after m1', clientId: expect.any(String) })
    expect(server.posts.find((p) => p.path === 'conversations/c2/transfer')?.body).toEqual({ clientId: expect.any(String), queueId: 'q2', agentId: 'u9', note: 'over to you' })
    expect(await db.count('outbox')).toBe(0)
  })

  it('a refused action (chat ended meanwhile) fails alone; the items after it still go', async () => {
    const db = await freshDb()
    const server = fakeServer()
    server.failWith((path) => (path.endsWith('/notes') ? new ApiError(409, 'conversation_ended', 'This conversation has ended') : null))
    const outbox = serverOutbox(db, server)
    const note = await outbox.enqueue({ conversationId: 'c1', kind: 'note', text: 'n' })
    await outbox.enqueue({ conversationId: 'c1', text: 'after' })
    await outbox.flush()
    expect(outbox.list()).toMatchObject([{ clientId: note.clientId, kind: 'note', status: 'failed', error: 'This conversation has ended' }])
    expect(server.messages().map((m) => m.text)).toEqual(['after'])
  })

  it('submit() tells a dialog at once: sent, refused, or queued for later', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const outbox = serverOutbox(db, server)
    expect((await outbox.submit({ conversationId: 'c1', kind: 'end', text: '' })).settled).toMatchObject({ outcome: 'sent', result: { id: 'c1' } })
    server.failWith(() => new ApiError(409, 'not_owner', 'You are not handling this conversation'))
    expect((await outbox.submit({ conversationId: 'c1', kind: 'end', text: '' })).settled).toMatchObject({ outcome: 'failed', status: 409, code: 'not_owner' })
    server.failWith(() => new ApiError(0, 'network', 'offline'))
    const queued = await outbox.submit({ conversationId: 'c2', kind: 'note', text: 'later' })
    expect(queued.settled).toEqual({ outcome: 'queued' })
    expect(await db.get('outbox', queued.item.clientId)).toMatchObject({ status: 'pending', kind: 'note' })
  })
})

describe('outbox: two senders (page and service worker)', () => {
  it('never interleave on a conversation under the lock, and each item goes once', async () => {
    const db = await freshDb()
    const server = fakeServer()
    for (let i = 0; i < 6; i++) {
      await db.put('outbox', { clientId: `id-${i}`, conversationId: 'c1', text: `t${i}`, createdAt: 100 + i, status: 'pending', attempts: 0 })
    }
    // A minimal Web Locks stand-in: one holder per name, the others queue.
    const tails = new Map<string, Promise<unknown>>()
    const lock = <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const run = (tails.get(name) ?? Promise.resolve()).then(fn)
      tails.set(name, run.catch(() => undefined))
      return run
    }
    const page = serverOutbox(db, server, { lock })
    const worker = serverOutbox(db, server, { lock })
    await Promise.all([page.flush(), worker.sendAll(), page.flush()])
    expect(server.posts.map((p) => (p.body as { text: string }).text)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5'])
  })

  it('sendAll reports what still waits for the network (the sync event then rejects)', async () => {
    const db = await freshDb()
    const server = fakeServer()
    server.failWith((path) => (path.startsWith('conversations/c2/') ? new ApiError(503, 'unavailable', 'down') : null))
    const worker = serverOutbox(db, server)
    await worker.enqueue({ conversationId: 'c1', text: 'a' })
    await worker.enqueue({ conversationId: 'c2', text: 'b' })
    worker.dispose()
    const again = serverOutbox(db, server)
    expect(await again.sendAll()).toEqual({ retry: true, unauthorized: false })
    server.failWith(null)
    expect(await again.sendAll()).toEqual({ retry: false, unauthorized: false })
    expect(server.messages().map((m) => m.text).sort()).toEqual(['a', 'b'])
  })
})

describe('outbox: schema migration', () => {
  it('rows written by the version-1 schema are kept and sent by the current version', async () => {
    const name = `parley-migrate-${++dbCount}`
    const v1 = await openReleasedV1(name)
    await v1.put('outbox', { clientId: 'old-2', conversationId: 'c1', text: 'second', createdAt: 2, status: 'pending', attempts: 3 })
    await v1.put('outbox', { clientId: 'old-1', conversationId: 'c1', text: 'first', createdAt: 1, status: 'pending', attempts: 0 })
    await v1.put('outbox', { clientId: 'old-3', conversationId: 'c1', text: 'refused', createdAt: 3, status: 'failed', error: 'Too long', attempts: 1 })
    await v1.put('drafts', { conversationId: 'c1', text: 'draft', updatedAt: 1 })
    v1.close()

    const db = await openParleyDb(name)
    opened.push(db)
    expect(db.version).toBe(DB_VERSION)
    expect(await db.get('drafts', 'c1')).toMatchObject({ text: 'draft' })
    const server = fakeServer()
    const outbox = serverOutbox(db, server)
    expect((await outbox.load()).map((i) => [i.clientId, i.status])).toEqual([['old-1', 'pending'], ['old-2', 'pending'], ['old-3', 'failed']])
    await outbox.flush()
    expect(server.messages().map((m) => m.text)).toEqual(['first', 'second'])
    expect(outbox.list()).toMatchObject([{ clientId: 'old-3', error: 'Too long' }])
  })
})

describe('outbox: a waiting dialog', () => {
  it('learns at once that its action is queued behind a message waiting for the network', async () => {
    const db = await freshDb()
    const server = fakeServer()
    server.failWith(() => new ApiError(0, 'network', 'offline'))
    const outbox = serverOutbox(db, server)
    await outbox.enqueue({ conversationId: 'c1', text: 'first' })
    await outbox.flush()
    const { settled } = await outbox.submit({ conversationId: 'c1', kind: 'note', text: 'after it' })
    expect(settled).toEqual({ outcome: 'queued' })
    expect(outbox.list('c1').map((i) => i.kind ?? 'message')).toEqual(['message', 'note'])
  })
})

describe('outbox: the customer page (store chatOutbox)', () => {
  it('keeps a chat’s messages and photos across a reload, then sends each once, in order, with the chat’s token', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const seen: Array<[string, string | undefined]> = []
    const transport: Transport = {
      postJson: (path, body, auth) => (seen.push([path, auth?.token]), server.transport.postJson(path, body)),
      postForm: (path, form, onProgress, auth) => (seen.push([path, auth?.token]), server.transport.postForm(path, form, onProgress)),
    }
    const chat = { address: 'support', token: 'tok-1' }
    // Offline: stored, nothing goes.
    const offline = new Outbox({ store: 'chatOutbox', db: async () => db, send: async () => { throw new ApiError(0, 'network', 'offline') }, backoff: () => 60_000 })
    outboxes.push(offline)
    await offline.enqueue({ conversationId: 'chat:support', chat, text: 'where is my order?' })
    await offline.enqueue({ conversationId: 'chat:support', chat, text: '', attachments: [{ blob: png(40), name: 'receipt.png' }] })
    await offline.flush()
    offline.dispose()
    expect(await db.count('chatOutbox')).toBe(2)
    expect(await db.count('outbox')).toBe(0) // the agent's outbox never sees them

    // The page reloads; the network is back.
    const online = new Outbox({ store: 'chatOutbox', db: async () => db, send: (item, ctx) => sendItem(item, transport, ctx), backoff: () => 60_000 })
    outboxes.push(online)
    expect((await online.load()).map((i) => i.text)).toEqual(['where is my order?', ''])
    await online.flush()
    await online.flush() // a second pass sends nothing again
    expect(server.messages().map((m) => [m.text, m.clientId !== undefined])).toEqual([['where is my order?', true], ['', true]])
    expect(seen).toEqual([
      ['public/conversation/messages', 'tok-1'],
      ['public/conversation/attachments', 'tok-1'],
      ['public/conversation/messages', 'tok-1'],
    ])
    expect(await db.count('chatOutbox')).toBe(0)
  })
})
