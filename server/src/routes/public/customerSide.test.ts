import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { get as httpGet, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PublicConversation, ServerFrame } from '../../api-types.js'
import {
  ADMIN_PASSWORD, type Client, createQueue, fileForm, signedInAgent, signIn, startChat, startTestServer, TestSocket, type TestServer, withServer,
} from '../../test/helpers.js'

const queueId = async (admin: Client, address: string): Promise<string> =>
  ((await admin.req('GET', '/api/admin/queues')).body.queues as { id: string; address: string }[]).find((q) => q.address === address)!.id

describe('framing: only a queue’s chat page, only by its listed origins', () => {
  let s: TestServer
  let staticDir: string
  beforeAll(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'parley-static-'))
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Parley</title>')
    writeFileSync(join(staticDir, 'embed.js'), '/* embed */')
    s = await startTestServer({ env: { STATIC_DIR: staticDir } })
    const admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
    await createQueue(s, 'sales', 'Sales')
    const res = await admin.req('PATCH', `/api/admin/queues/${await queueId(admin, 'support')}`, {
      embedOrigins: ['https://Shop.Example:443/', 'http://127.0.0.2:8080'],
    })
    expect(res.status).toBe(200)
    expect(res.body.queue.embedOrigins).toEqual(['https://shop.example', 'http://127.0.0.2:8080'])
  })
  afterAll(async () => {
    await s.close()
    rmSync(staticDir, { recursive: true, force: true })
  })

  it('the listed queue’s chat page names its origins in frame-ancestors and drops X-Frame-Options', async () => {
    const res = await fetch(`${s.url}/chat/support`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://shop.example http://127.0.0.2:8080")
    expect(res.headers.get('x-frame-options')).toBeNull()
  })

  it('a revalidation (304) of the chat page carries the same frame-ancestors', async () => {
    const first = await fetch(`${s.url}/chat/support`)
    const etag = first.headers.get('etag')
    expect(etag).toBeTruthy()
    // As a browser revalidates its cached page (node:http: fetch would not send a bare conditional GET).
    const again = await new Promise<IncomingMessage>((resolve, reject) => {
      httpGet(`${s.url}/chat/support`, { headers: { 'if-none-match': etag!, accept: 'text/html' } }, resolve).on('error', reject)
    })
    again.resume()
    expect(again.statusCode).toBe(304)
    expect(again.headers['content-security-policy']).toContain("frame-ancestors 'self' https://shop.example http://127.0.0.2:8080")
    expect(again.headers['x-frame-options']).toBeUndefined()
  })

  it('another queue’s chat page, the agent app and the admin keep helmet’s defaults', async () => {
    for (const path of ['/chat/sales', '/conversations', '/admin/queues', '/', '/chat/support/x', '/api/public/queues/support']) {
      const res = await fetch(s.url + path)
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN')
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'self'")
      expect(res.headers.get('content-security-policy'), path).not.toContain('shop.example')
    }
  })

  it('embed.js may be loaded by other sites', async () => {
    const res = await fetch(`${s.url}/embed.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
  })

  it('refuses origins with paths, other schemes, and non-admins', async () => {
    const admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
    const id = await queueId(admin, 'support')
    for (const o of ['https://shop.example/path', 'javascript://x', 'ftp://shop.example', 'https://u:p@shop.example', 'not a url']) {
      const res = await admin.req('PATCH', `/api/admin/queues/${id}`, { embedOrigins: [o] })
      expect(res.status, o).toBe(400)
    }
    const agent = await signedInAgent(s, 'framer', ['support'])
    expect((await agent.req('PATCH', `/api/admin/queues/${id}`, { embedOrigins: ['https://evil.example'] })).status).toBe(403)
  })
})

describe('opening hours', () => {
  let s: TestServer
  let admin: Client
  withServer(async (server, a) => { s = server; admin = a })

  it('a closed queue says when it opens and still takes the chat, which waits in the Picklist', async () => {
    const id = await queueId(admin, 'support')
    const closed = { timeZone: 'Pacific/Kiritimati', week: [[], [], [], [], [], [], []] as { from: string; to: string }[][] }
    // Open only on a day that is not today there: the next opening is within a week.
    const todayThere = (new Date(Date.now() + 14 * 3600_000).getUTCDay() + 6) % 7
    closed.week[(todayThere + 2) % 7] = [{ from: '10:00', to: '12:00' }]
    expect((await admin.req('PATCH', `/api/admin/queues/${id}`, { openingHours: closed })).status).toBe(200)
    const q = (await admin.req('GET', '/api/public/queues/support')).body.queue
    expect(q.open).toBe(false)
    expect(q.opensAt).toBeGreaterThan(Date.now() + 24 * 3600_000)
    expect(q.opensAt).toBeLessThan(Date.now() + 3 * 24 * 3600_000)
    const chat = await startChat(s.url)
    expect((await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'At night' })).status).toBe(201)
    const picklist = (await admin.req('GET', '/api/conversations?view=picklist')).body.conversations as { id: string }[]
    expect(picklist.map((c) => c.id)).toContain(chat.id)
    // Back to always open.
    expect((await admin.req('PATCH', `/api/admin/queues/${id}`, { openingHours: null })).body.queue.openingHours).toBeNull()
    expect((await admin.req('GET', '/api/public/queues/support')).body.queue.open).toBe(true)
  })

  it('refuses bad hours with 400, never a 500', async () => {
    const id = await queueId(admin, 'support')
    const week = (d: unknown) => [d, [], [], [], [], [], []]
    for (const openingHours of [
      { timeZone: 'Nowhere/City', week: week([]) },
      { timeZone: 'UTC', week: week([{ from: '18:00', to: '09:00' }]) },
      { timeZone: 'UTC', week: week([{ from: '9:00', to: '17:00' }]) },
      { timeZone: 'UTC', week: [[]] },
      { timeZone: 'UTC', week: week([{ from: '25:00', to: '26:00' }]) },
    ]) {
      const res = await admin.req('PATCH', `/api/admin/queues/${id}`, { openingHours })
      expect(res.status, JSON.stringify(openingHours)).toBe(400)
    }
  })

  it('says whether an agent of the queue is available', async () => {
    await createQueue(s, 'empty', 'Empty')
    expect((await admin.req('GET', '/api/public/queues/empty')).body.queue.agentsAvailable).toBe(false)
    const agent = await signedInAgent(s, 'hours1', ['empty'])
    expect((await admin.req('GET', '/api/public/queues/empty')).body.queue.agentsAvailable).toBe(true)
    await agent.req('PATCH', '/api/me', { presence: 'away' })
    expect((await admin.req('GET', '/api/public/queues/empty')).body.queue.agentsAvailable).toBe(false)
  })
})

describe('honest waiting: place in line and estimate, live', () => {
  let s: TestServer
  withServer((server) => { s = server })

  const queueFrames = (sock: TestSocket) => sock.frames.flatMap((f) => (f.type === 'queue' ? [f.status] : []))

  it('counts down as chats ahead are picked; no estimate without history, one with it', async () => {
    const qid = await createQueue(s, 'line', 'Line')
    const agent = await signedInAgent(s, 'liner', ['line'])
    const a = await startChat(s.url, 'line', 'A')
    const b = await startChat(s.url, 'line', 'B')
    const c = await startChat(s.url, 'line', 'C')
    const sock = await TestSocket.open(s.url, { token: c.token })
    await sock.until((f) => f.type === 'queue')
    expect(queueFrames(sock).at(-1)).toEqual({ position: 3, etaSeconds: null })
    expect((await c.customer.req('GET', '/api/public/conversation/queue')).body.status).toEqual({ position: 3, etaSeconds: null })

    await agent.req('POST', `/api/conversations/${a.id}/pick`)
    await sock.until((f) => f.type === 'queue' && f.status.position === 2)
    await agent.req('POST', `/api/conversations/${b.id}/pick`)
    await sock.until((f) => f.type === 'queue' && f.status.position === 1)
    // Still no estimate: two picks are not enough history.
    expect(queueFrames(sock).every((st) => st.etaSeconds === null)).toBe(true)

    // Five more past chats that waited 4 minutes each: an estimate appears (about 4 minutes).
    const now = Date.now()
    const cust = await s.ctx.db.selectFrom('conversations').select('customer_id').where('id', '=', a.id).executeTakeFirstOrThrow()
    for (let i = 0; i < 5; i++) {
      await s.ctx.db.insertInto('conversations').values({
        id: randomUUID(), customer_id: cust.customer_id, queue_id: qid, channel: 'web', state: 'ended', agent_id: null,
        arrived_at: now - 3600_000 - 240_000, picked_at: now - 3600_000, ended_at: now - 1800_000, last_message_at: null, last_seq: 0,
        customer_token_hash: randomUUID(), customer_delivered_seq: 0, customer_read_seq: 0, contact_name: 'Old', contact_email: null,
        contact_phone: null, customer_token_revoked_at: null, transfer_client_id: null, transfer_by: null, offered_to: null, offer_expires_at: null,
        rating: null, rating_comment: null, rated_at: null,
      }).execute()
    }
    const d = await startChat(s.url, 'line', 'D')
    const status = (await d.customer.req('GET', '/api/public/conversation/queue')).body.status
    expect(status.position).toBe(2)
    expect(status.etaSeconds).toBeGreaterThan(120)
    expect(status.etaSeconds).toBeLessThanOrEqual(240)
    // The socket of C heard about D's arrival too, now with an estimate.
    await sock.until((f) => f.type === 'queue' && f.status.etaSeconds !== null)

    // Once picked, there is no place in line any more.
    await agent.req('POST', `/api/conversations/${c.id}/pick`)
    expect((await c.customer.req('GET', '/api/public/conversation/queue')).body.status).toBeNull()
    sock.close()
  })
})

describe('receipts: what the agent received and read, as the customer sees it', () => {
  let s: TestServer
  withServer((server) => { s = server })

  it('Delivered when an agent’s app gets the message, Read when the agent reads it', async () => {
    const agent = await signedInAgent(s, 'reader', ['support'])
    const chat = await startChat(s.url)
    const sock = await TestSocket.open(s.url, { token: chat.token })
    await sock.until((f) => f.type === 'ready')
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'one' })
    const conv = async () => (await chat.customer.req('GET', '/api/public/conversation')).body.conversation as PublicConversation
    expect(await conv()).toMatchObject({ agentDeliveredSeq: 0, agentReadSeq: 0 })

    // The agent's socket receives it: Delivered.
    const agentSock = await TestSocket.open(s.url, {}, agent.cookie)
    await agentSock.until((f) => f.type === 'ready')
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'two' })
    const isUpdate = (pred: (c: { agentDeliveredSeq: number; agentReadSeq: number }) => boolean) => (f: ServerFrame) =>
      f.type === 'event' && f.event.type === 'agentReceipts.updated' && pred(f.event.data)
    await sock.until(isUpdate((c) => c.agentDeliveredSeq === 2 && c.agentReadSeq === 0))

    // Loading the thread counts as delivered too; reading moves Read.
    await agent.req('POST', `/api/conversations/${chat.id}/pick`)
    await agent.req('POST', `/api/conversations/${chat.id}/read`, { seq: 2 })
    await sock.until(isUpdate((c) => c.agentReadSeq === 2))
    expect(await conv()).toMatchObject({ agentDeliveredSeq: 2, agentReadSeq: 2 })
    // Markers never move back.
    await agent.req('POST', `/api/conversations/${chat.id}/read`, { seq: 1 })
    expect((await conv()).agentReadSeq).toBe(2)
    // An agent who answers has read what came before.
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'three' })
    await agent.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'answer' })
    expect((await conv()).agentReadSeq).toBe(4)
    sock.close()
    agentSock.close()
  })

  it('receipts reach the customer only: live and in a replay; agents get no update for them', async () => {
    const agent = await signedInAgent(s, 'watcher', ['support'])
    const chat = await startChat(s.url)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'hello' })
    const agentSock = await TestSocket.open(s.url, {}, agent.cookie)
    const ready = await agentSock.until((f) => f.type === 'ready')
    const cursor = ready.type === 'ready' ? ready.cursor : 0
    const customerSock = await TestSocket.open(s.url, { token: chat.token })
    await customerSock.until((f) => f.type === 'ready')
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'anyone?' })
    const delivered = (f: ServerFrame) => f.type === 'event' && f.event.type === 'agentReceipts.updated' && f.event.data.agentDeliveredSeq === 2
    await customerSock.until(delivered)
    // The agent's socket had the message and nothing about the receipt.
    await agentSock.until((f) => f.type === 'event' && f.event.type === 'message.created' && f.event.data.message.text === 'anyone?')
    expect(agentSock.events().filter((e) => e.type === 'agentReceipts.updated' || e.type === 'conversation.updated')).toEqual([])
    // Replays: the customer's includes the receipt, the agent's does not.
    const customerAgain = await TestSocket.open(s.url, { token: chat.token, cursor })
    await customerAgain.until((f) => f.type === 'ready')
    expect(customerAgain.frames.some(delivered)).toBe(true)
    const agentAgain = await TestSocket.open(s.url, { cursor }, agent.cookie)
    await agentAgain.until((f) => f.type === 'ready')
    expect(agentAgain.events().some((e) => e.type === 'message.created' && e.data.message.text === 'anyone?')).toBe(true)
    expect(agentAgain.events().filter((e) => e.type === 'agentReceipts.updated' || e.type === 'conversation.updated')).toEqual([])
    for (const x of [agentSock, customerSock, customerAgain, agentAgain]) x.close()
  })
})

describe('a record to keep: transcript and rating', () => {
  let s: TestServer
  let admin: Client
  withServer(async (server, a) => { s = server; admin = a })

  it('the transcript is there after End only, with attachment names and working signed links', async () => {
    const agent = await signedInAgent(s, 'scribe', ['support'])
    const chat = await startChat(s.url, 'support', 'Tess Transcript')
    await agent.req('POST', `/api/conversations/${chat.id}/pick`)
    const png = await sharp({ create: { width: 20, height: 10, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer()
    const up = await chat.customer.req('POST', '/api/public/conversation/attachments', fileForm(png, 'receipt photo.png'))
    expect(up.status).toBe(201)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'See the photo\nsecond line', attachmentIds: [up.body.attachment.id] })
    await agent.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'Thanks!' })

    const early = await fetch(`${s.url}/api/public/conversation/transcript`, { headers: { authorization: `Bearer ${chat.token}` } })
    expect(early.status).toBe(409)
    await agent.req('POST', `/api/conversations/${chat.id}/end`)

    const res = await fetch(`${s.url}/api/public/conversation/transcript?tz=Europe/Berlin`, { headers: { authorization: `Bearer ${chat.token}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="chat-\d{4}-\d\d-\d\d-[0-9a-f]{8}\.txt"$/)
    const text = await res.text()
    expect(text).toContain('Chat with Support')
    expect(text).toContain('(Europe/Berlin)')
    expect(text).toContain('Tess Transcript:\n  See the photo\n  second line')
    expect(text).toContain('Scribe:\n  Thanks!')
    expect(text).toContain('Chat ended by \u2068Scribe\u2069')
    const link = /Attachment: receipt photo\.png \(\d+ B\) (\S+)/.exec(text)?.[1]
    expect(link).toMatch(/^http:\/\/localhost:\d+\/api\/public\/attachments\/[^?]+\?exp=\d+&sig=/)
    // The link opens the file without the token, for a limited time.
    const file = await fetch(s.url + new URL(link!).pathname + new URL(link!).search)
    expect(file.status).toBe(200)
    expect(text).toMatch(/Attachment links work until/)

    // Another token (or none) gets nothing; a bad zone falls back to UTC; unknown query fields are 400.
    expect((await fetch(`${s.url}/api/public/conversation/transcript`)).status).toBe(401)
    expect(await (await fetch(`${s.url}/api/public/conversation/transcript?tz=No/Where`, { headers: { authorization: `Bearer ${chat.token}` } })).text()).toContain('(UTC)')
    expect((await fetch(`${s.url}/api/public/conversation/transcript?x=1`, { headers: { authorization: `Bearer ${chat.token}` } })).status).toBe(400)
  })

  it('ratings: after End only, 1–5, and the admin sees them per agent and per queue', async () => {
    const agent = await signedInAgent(s, 'rated', ['support'])
    const scores = [5, 4, 2]
    const chats = []
    for (const score of scores) {
      const chat = await startChat(s.url)
      await agent.req('POST', `/api/conversations/${chat.id}/pick`)
      expect((await chat.customer.req('POST', '/api/public/conversation/rating', { score })).status).toBe(409)
      await agent.req('POST', `/api/conversations/${chat.id}/end`)
      chats.push({ chat, score })
    }
    for (const body of [{}, { score: 0 }, { score: 6 }, { score: 2.5 }, { score: 'five' }, { score: 5, comment: 'x'.repeat(2001) }, { score: 5, extra: 1 }]) {
      expect((await chats[0]!.chat.customer.req('POST', '/api/public/conversation/rating', body)).status, JSON.stringify(body)).toBe(400)
    }
    for (const { chat, score } of chats) {
      expect((await chat.customer.req('POST', '/api/public/conversation/rating', { score, comment: score === 2 ? '  Too slow  ' : '' })).status).toBe(204)
    }
    // A second rating replaces the first.
    expect((await chats[1]!.chat.customer.req('POST', '/api/public/conversation/rating', { score: 3 })).status).toBe(204)
    expect((await chats[1]!.chat.customer.req('GET', '/api/public/conversation')).body.conversation.rating).toBe(3)

    const report = (await admin.req('GET', '/api/admin/ratings')).body.ratings
    expect(report.byAgent).toEqual([{ id: expect.any(String), name: 'Rated', count: 3, average: 3.33, distribution: [0, 1, 1, 0, 1] }])
    expect(report.byQueue).toEqual([{ id: await queueId(admin, 'support'), name: 'Support', count: 3, average: 3.33, distribution: [0, 1, 1, 0, 1] }])
    expect(report.recentComments).toEqual([expect.objectContaining({ score: 2, comment: 'Too slow', agentName: 'Rated', queueName: 'Support' })])
    expect((await agent.req('GET', '/api/admin/ratings')).status).toBe(403)
  })
})
