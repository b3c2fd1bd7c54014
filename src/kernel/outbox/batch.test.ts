import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '@/kernel/contract'
import { ApiError } from '@/kernel/http/errors'
import { openParleyDb, type OutboxItem, type ParleyDatabase } from '@/kernel/db'
import { Outbox, type OutboxOptions } from './outbox'
import { batchSender, sendItem, type BatchAnswer, type Transport } from './send'

let dbCount = 0
const opened: ParleyDatabase[] = []
const outboxes: Outbox[] = []

async function freshDb(): Promise<ParleyDatabase> {
  const db = await openParleyDb(`parley-batch-test-${++dbCount}`)
  opened.push(db)
  return db
}

afterEach(() => {
  for (const o of outboxes.splice(0)) o.dispose()
  for (const db of opened.splice(0)) db.close()
})

type Body = { clientId: string; text: string; attachmentIds?: string[] }
type Refusal = { status: number; code: string; message: string }

/**
 * The server's batch contract in memory, behind the Transport interface: single and batch sends,
 * deduped by clientId; `refuse(text)` refuses a message (in a batch: `failed`, the rest not tried;
 * alone: the same status and code as an ApiError).
 */
function fakeServer() {
  const requests: Array<{ path: string; body: unknown; token?: string }> = []
  const byClientId = new Map<string, Message>()
  const uploads: string[] = []
  let seq = 0
  let refuse: (text: string) => Refusal | null = () => null
  let before: ((path: string, body: unknown) => ApiError | null) | null = null
  let after: ((path: string) => ApiError | null) | null = null

  function store(conversationId: string, b: Body): Message {
    const known = byClientId.get(b.clientId)
    if (known) return known
    const m: Message = {
      id: `m${++seq}`, conversationId, seq, clientId: b.clientId, authorKind: 'agent', authorName: 'A', text: b.text, createdAt: seq,
      attachments: (b.attachmentIds ?? []).map((id) => ({ id }) as unknown as Message['attachments'][number]),
    }
    byClientId.set(b.clientId, m)
    return m
  }

  const transport: Transport = {
    async postJson<T>(path: string, body?: unknown, auth?: { token?: string }): Promise<T> {
      const early = before?.(path, body)
      if (early) throw early
      requests.push({ path, body, ...(auth?.token ? { token: auth.token } : {}) })
      const conversationId = path.startsWith('public/') ? 'c-public' : decodeURIComponent(path.split('/')[1]!)
      let answer: unknown
      if (path.endsWith('/messages/batch')) {
        const list = (body as { messages: Body[] }).messages
        if (!Array.isArray(list) || list.length < 1 || list.length > 50) throw new ApiError(400, 'bad_request', 'body/messages must have 1..50 items')
        const stored: Message[] = []
        let failed: BatchAnswer['failed']
        for (const [index, b] of list.entries()) {
          const no = byClientId.has(b.clientId) ? null : refuse(b.text)
          if (no) {
            failed = { clientId: b.clientId, index, error: { code: no.code, message: no.message } }
            break
          }
          stored.push(store(conversationId, b))
        }
        answer = { stored, ...(failed ? { failed } : {}) }
      } else if (path.endsWith('/messages')) {
        const b = body as Body
        const no = byClientId.has(b.clientId) ? null : refuse(b.text)
        if (no) throw new ApiError(no.status, no.code, no.message)
        answer = { message: store(conversationId, b) }
      } else if (path.endsWith('/notes')) {
        answer = { note: { id: `n${++seq}`, conversationId, authorId: 'u', authorName: 'A', text: String((body as Body).text), createdAt: seq } }
      } else {
        answer = { conversation: { id: conversationId, state: 'ended' } }
      }
      const late = after?.(path)
      if (late) throw late
      return answer as T
    },
    async postForm<T>(path: string, form: FormData): Promise<T> {
      const early = before?.(path, form)
      if (early) throw early
      const file = form.get('file') as File
      uploads.push(file.name)
      return { attachment: { id: `att-${file.name}` } } as T
    },
  }
  return {
    transport, requests, uploads,
    /** The messages stored, in the order the server stored them. */
    thread: () => [...byClientId.values()].sort((a, b) => a.seq - b.seq),
    refuse: (f: typeof refuse) => (refuse = f),
    failBefore: (f: typeof before) => (before = f),
    failAfter: (f: typeof after) => (after = f),
    paths: () => requests.map((r) => r.path.replace(/^conversations\/[^/]+\//, '')),
  }
}

function serverOutbox(db: ParleyDatabase, server: ReturnType<typeof fakeServer>, opts: Partial<OutboxOptions> = {}) {
  const outbox = new Outbox({
    db: async () => db,
    send: (item, ctx) => sendItem(item, server.transport, ctx),
    batch: batchSender(server.transport),
    backoff: () => 60_000,
    ...opts,
  })
  outboxes.push(outbox)
  return outbox
}

/** Items written straight into the store, as after a long time offline (createdAt = their order). */
async function queued(db: ParleyDatabase, texts: string[], extra: Partial<OutboxItem> = {}, conversationId = 'c1'): Promise<OutboxItem[]> {
  const items = texts.map((text, i): OutboxItem => ({
    clientId: crypto.randomUUID(), conversationId, text, createdAt: 1000 + i, status: 'pending', attempts: 0, ...extra,
  }))
  const tx = db.transaction('outbox', 'readwrite')
  await Promise.all([...items.map((i) => tx.store.put(i)), tx.done])
  return items
}

/** What the outbox store holds, in sending order. */
const pendingNow = async (db: ParleyDatabase) => (await db.getAll('outbox')).sort((a, b) => a.createdAt - b.createdAt)

const texts = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`)

describe('outbox: batch drain', () => {
  it('sends a conversation’s queue in batches of at most 50, in order, each message once', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const acknowledged: string[] = []
    const outbox = serverOutbox(db, server, { onSent: (item, m) => acknowledged.push(`${item.clientId}=${(m as Message).clientId}`) })
    const items = await queued(db, texts(120))
    await outbox.load()
    await outbox.flush()

    expect(server.requests.map((r) => (r.body as { messages: Body[] }).messages.length)).toEqual([50, 50, 20])
    expect(server.paths()).toEqual(['messages/batch', 'messages/batch', 'messages/batch'])
    expect(server.thread().map((m) => m.clientId)).toEqual(items.map((i) => i.clientId))
    expect(server.thread().map((m) => m.text)).toEqual(texts(120))
    expect(acknowledged).toEqual(items.map((i) => `${i.clientId}=${i.clientId}`))
    expect(await db.count('outbox')).toBe(0)
    expect(outbox.list()).toEqual([])
  })

  it('failed items, even more than a batch of them at the head of the queue, hold up nothing behind them', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const stuck = await queued(db, texts(60, 'f'), { status: 'failed', error: 'This chat has ended' })
    const items = await queued(db, texts(70))
    // After the failed ones in sending order (their createdAt is later).
    for (const [i, item] of items.entries()) await db.put('outbox', { ...item, createdAt: 5000 + i })
    const outbox = serverOutbox(db, server)
    await outbox.load()
    await outbox.flush()

    expect(server.requests.map((r) => (r.body as { messages: Body[] }).messages.length)).toEqual([50, 20])
    expect(server.thread().map((m) => m.text)).toEqual(texts(70))
    expect((await pendingNow(db)).map((i) => i.clientId)).toEqual(stuck.map((i) => i.clientId))
  })

  it('a batch whose answer was lost is sent again and stored once (dedupe by clientId)', async () => {
    const db = await freshDb()
    const server = fakeServer()
    // The server stores the batch, but the answer never arrives.
    let lose = true
    server.failAfter(() => (lose ? ((lose = false), new ApiError(0, 'network', 'connection reset')) : null))
    const outbox = serverOutbox(db, server)
    const items = await queued(db, texts(5))
    await outbox.load()
    await outbox.flush()
    expect(await db.count('outbox')).toBe(5)
    expect((await db.get('outbox', items[0]!.clientId))?.attempts).toBe(1)

    await outbox.flush()
    expect(server.requests).toHaveLength(2)
    expect(server.thread().map((m) => m.text)).toEqual(texts(5))
    expect(await db.count('outbox')).toBe(0)
  })

  it('a stored prefix is acknowledged; the refused message follows the single send’s rules (409: Not sent), the rest still go', async () => {
    const db = await freshDb()
    const server = fakeServer()
    server.refuse((text) => (text === 'm3' ? { status: 409, code: 'not_owner', message: 'This chat is no longer yours' } : null))
    const failed: string[] = []
    const outbox = serverOutbox(db, server, { onFailed: (item) => failed.push(item.text) })
    const items = await queued(db, texts(6))
    await outbox.load()
    await outbox.flush()

    // The batch stored m1, m2 and stopped at m3; m3 alone answered 409; m4..m6 in a new batch.
    expect(server.paths()).toEqual(['messages/batch', 'messages', 'messages/batch'])
    expect(server.thread().map((m) => m.text)).toEqual(['m1', 'm2', 'm4', 'm5', 'm6'])
    expect(failed).toEqual(['m3'])
    expect(outbox.list()).toMatchObject([{ clientId: items[2]!.clientId, status: 'failed', error: 'This chat is no longer yours' }])
  })

  it('with the refusal’s status in the batch answer, its rules decide without sending it again', async () => {
    const db = await freshDb()
    const server = fakeServer()
    server.refuse((text) => (text === 'm2' ? { status: 409, code: 'conversation_ended', message: 'This chat has ended' } : null))
    const withStatus: Transport = {
      ...server.transport,
      async postJson<T>(path: string, body?: unknown, auth?: { token?: string }) {
        const answer = await server.transport.postJson<BatchAnswer>(path, body, auth)
        return (answer.failed ? { ...answer, failed: { ...answer.failed, status: 409 } } : answer) as T
      },
    }
    const outbox = serverOutbox(db, server, { batch: batchSender(withStatus) })
    await queued(db, texts(4))
    await outbox.load()
    await outbox.flush()
    // m2 is not sent again alone: m3 and m4 follow in the next batch.
    expect(server.paths()).toEqual(['messages/batch', 'messages/batch'])
    expect(server.thread().map((m) => m.text)).toEqual(['m1', 'm3', 'm4'])
    expect(outbox.list()).toMatchObject([{ text: 'm2', status: 'failed', error: 'This chat has ended' }])
  })

  it('a message refused for a passing reason (429) stays queued, and nothing after it overtakes it', async () => {
    const db = await freshDb()
    const server = fakeServer()
    let busy = true
    server.refuse((text) => (text === 'm2' && busy ? { status: 429, code: 'rate_limited', message: 'Slow down' } : null))
    const outbox = serverOutbox(db, server)
    await queued(db, texts(4))
    await outbox.load()
    await outbox.flush()
    expect(server.thread().map((m) => m.text)).toEqual(['m1'])
    expect((await pendingNow(db)).map((i) => [i.text, i.status])).toEqual([['m2', 'pending'], ['m3', 'pending'], ['m4', 'pending']])

    busy = false
    await outbox.flush()
    expect(server.thread().map((m) => m.text)).toEqual(texts(4))
    expect(await db.count('outbox')).toBe(0)
  })

  it('a batch refused as a whole (400) goes again one by one: only the message at fault is Not sent', async () => {
    const db = await freshDb()
    const server = fakeServer()
    server.failBefore((path, body) => {
      const tooLong = path.endsWith('/batch') && (body as { messages: Body[] }).messages.some((b) => b.text === 'm2')
      return tooLong ? new ApiError(400, 'bad_request', 'body/messages/1/text is too long') : null
    })
    server.refuse((text) => (text === 'm2' ? { status: 400, code: 'bad_request', message: 'Text too long' } : null))
    const outbox = serverOutbox(db, server)
    await queued(db, texts(3))
    await outbox.load()
    await outbox.flush()
    expect(server.thread().map((m) => m.text)).toEqual(['m1', 'm3'])
    expect(outbox.list()).toMatchObject([{ text: 'm2', status: 'failed', error: 'Text too long' }])
  })

  it('on 401 keeps the whole batch and asks for sign-in', async () => {
    const db = await freshDb()
    const server = fakeServer()
    server.failBefore(() => new ApiError(401, 'unauthorized', 'Sign in'))
    let asked = 0
    const outbox = serverOutbox(db, server, { onUnauthorized: () => asked++ })
    await queued(db, texts(3))
    await outbox.load()
    await outbox.flush()
    expect(asked).toBe(1)
    expect(outbox.isPaused).toBe(true)
    expect(await db.count('outbox')).toBe(3)
  })

  it('notes, End and Transfer go alone, between the batches, in the order they were made', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const outbox = serverOutbox(db, server, { now: () => 1 })
    // Made offline: nothing goes until flush.
    server.failBefore(() => new ApiError(0, 'network', 'offline'))
    for (const [kind, text] of [['message', 'a'], ['message', 'b'], ['note', 'n'], ['message', 'c'], ['message', 'd'], ['end', '']] as const) {
      await outbox.enqueue({ conversationId: 'c1', kind, text })
    }
    await outbox.flush()
    server.failBefore(null)
    await outbox.flush()
    expect(server.paths()).toEqual(['messages/batch', 'notes', 'messages/batch', 'end'])
    expect(server.thread().map((m) => m.text)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('uploads each message’s files first (once), and a failed upload stops the batch before its message', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const png = (name: string) => ({ localId: name, name, type: 'image/png', size: 3, blob: new Blob([new Uint8Array(3)], { type: 'image/png' }), recorded: false })
    const [one, two, three] = await queued(db, ['one', 'two', 'three'])
    await db.put('outbox', { ...two!, attachments: [png('a.png')] })
    await db.put('outbox', { ...three!, attachments: [png('b.png')] })
    server.failBefore((path, body) => (body instanceof FormData && (body.get('file') as File).name === 'b.png' ? new ApiError(0, 'network', 'offline') : null))
    const outbox = serverOutbox(db, server)
    await outbox.load()
    await outbox.flush()
    expect(server.requests.map((r) => r.body)).toEqual([{ messages: [{ clientId: one!.clientId, text: 'one' }, { clientId: two!.clientId, text: 'two', attachmentIds: ['att-a.png'] }] }])
    expect((await pendingNow(db)).map((i) => [i.text, i.attempts])).toEqual([['three', 1]])

    server.failBefore(null)
    await outbox.flush()
    expect(server.uploads).toEqual(['a.png', 'b.png'])
    expect(server.thread().map((m) => m.text)).toEqual(['one', 'two', 'three'])
    expect(await db.count('outbox')).toBe(0)
  })

  it('a page and the service worker draining at once, under the lock, send each message once and in order', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const held = new Map<string, Promise<unknown>>()
    const lock = <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const run = (held.get(name) ?? Promise.resolve()).then(fn, fn)
      held.set(name, run.catch(() => undefined))
      return run
    }
    const items = await queued(db, texts(130))
    const page = serverOutbox(db, server, { lock })
    const worker = serverOutbox(db, server, { lock })
    await page.load()
    await Promise.all([page.flush(), worker.sendAll()])
    expect(server.thread().map((m) => m.clientId)).toEqual(items.map((i) => i.clientId))
    expect(server.requests.flatMap((r) => (r.body as { messages: Body[] }).messages.map((b) => b.clientId))).toEqual(items.map((i) => i.clientId))
    expect(await db.count('outbox')).toBe(0)
  })

  it('a server answer that is not this batch’s prefix is not trusted: the items stay queued', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const wrong: Transport = {
      ...server.transport,
      postJson: async <T>() => ({ stored: [{ clientId: 'someone-else' }] }) as T,
    }
    const outbox = serverOutbox(db, server, { batch: batchSender(wrong) })
    await queued(db, texts(2))
    await outbox.load()
    await outbox.flush()
    expect((await pendingNow(db)).map((i) => [i.text, i.status, i.attempts])).toEqual([['m1', 'pending', 1], ['m2', 'pending', 0]])
  })
})

describe('outbox: the customer page’s batch', () => {
  it('goes to the public batch path with the chat’s token, one token per request', async () => {
    const db = await freshDb()
    const server = fakeServer()
    const outbox = serverOutbox(db, server, { store: 'chatOutbox' })
    const chat = { address: 'support', token: 'tok-1' }
    const rows: OutboxItem[] = ['hi', 'there', 'again'].map((text, i) => ({
      clientId: crypto.randomUUID(), conversationId: 'c-public', text, createdAt: 10 + i, status: 'pending', attempts: 0,
      chat: i < 2 ? chat : { address: 'support', token: 'tok-2' },
    }))
    for (const r of rows) await db.put('chatOutbox', r)
    await outbox.load()
    await outbox.flush()
    expect(server.requests.map((r) => [r.path, r.token])).toEqual([
      ['public/conversation/messages/batch', 'tok-1'],
      ['public/conversation/messages', 'tok-2'],
    ])
    expect(server.thread().map((m) => m.text)).toEqual(['hi', 'there', 'again'])
    expect(await db.count('chatOutbox')).toBe(0)
  })
})
