// A replay longer than one page (realtime.ts reads and sends 200 events at a time, yielding between
// pages) arrives whole, in order, each event once.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { insertEvent } from '../../db/repositories/events.js'
import { startChat, TestSocket, type Client, type TestServer, withServer } from '../../test/helpers.js'

describe('a long replay', () => {
  let s: TestServer
  let admin: Client
  withServer((server, signedIn) => { s = server; admin = signedIn })

  it('sends every missed event once and in order across pages', async () => {
    const first = await TestSocket.open(s.url, {}, admin.cookie)
    const ready = await first.until((f) => f.type === 'ready')
    const cursor = ready.type === 'ready' ? ready.cursor : 0
    first.close()
    const chat = await startChat(s.url, 'support', 'Long Replay')
    const queueId = (await s.ctx.db.selectFrom('conversations').select('queue_id').where('id', '=', chat.id).executeTakeFirstOrThrow()).queue_id
    const texts = Array.from({ length: 450 }, (_, i) => `page test ${i}`)
    for (const text of texts) {
      await s.ctx.db.transaction().execute((trx) => insertEvent(trx, s.ctx.kind, {
        type: 'message.created', conversationId: chat.id, queueId, visibility: 'public', createdAt: Date.now(),
        data: { message: { id: randomUUID(), conversationId: chat.id, seq: 1, clientId: randomUUID(), authorKind: 'customer', authorName: 'x', text, createdAt: Date.now() } } as never,
      }, 0))
    }
    // On PostgreSQL the bus takes these up on its next read (they were not published): at most a second.
    await new Promise((r) => setTimeout(r, s.ctx.kind === 'postgres' ? 1500 : 0))
    const again = await TestSocket.open(s.url, { cursor }, admin.cookie)
    await again.until((f) => f.type === 'ready', 10_000)
    const got = again.events().flatMap((e) => (e.type === 'message.created' && e.data.message.text.startsWith('page test') ? [e] : []))
    expect(got.map((e) => e.type === 'message.created' && e.data.message.text)).toEqual(texts)
    const ids = again.events().map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    again.close()
  })
})
