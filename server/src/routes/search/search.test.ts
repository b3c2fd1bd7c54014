import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Client, createQueue, pickedChat, signedInAgent, signIn, startChat, withServer, type TestServer } from '../../test/helpers.js'
import { searchTerms, snippet } from '../../services/search.js'

describe('search (issue 14, point 2)', () => {
  let s: TestServer
  let ann: Client, ben: Client
  withServer(async (server) => {
    s = server
    await createQueue(s, 'sales', 'Sales')
    ann = await signedInAgent(s, 'ann', ['support'])
    ben = await signedInAgent(s, 'ben', ['sales'])
  })
  const find = async (c: Client, q: string, extra = '') => {
    const res = await c.req('GET', `/api/search?q=${encodeURIComponent(q)}${extra}`)
    expect(res.status).toBe(200)
    return res.body as { hits: any[]; nextCursor: string | null }
  }
  const say = (c: Client, text: string, path = '/api/public/conversation/messages') => c.req('POST', path, { clientId: randomUUID(), text })

  it('finds customers by name, email and phone, and message text, only in conversations the agent may see', async () => {
    const dana = await startChat(s.url, 'support', 'Dana Quixote', 'dana.quixote@example.com', { phone: '+49 170 555-0199' })
    await say(dana.customer, 'My parcel zebrafish never arrived')
    const secret = await startChat(s.url, 'sales', 'Sven Quixote', 'sven@example.com')
    await say(secret.customer, 'Zebrafish discount please')

    // By name (a prefix), email and phone (as typed or as digits): Ann sees Dana, never Sven in Sales.
    for (const q of ['quix', 'Dana', 'dana.quixote@example', '170 555', '491705550199', 'example.com']) {
      const { hits } = await find(ann, q)
      expect(hits.map((h) => h.conversationId), q).toContain(dana.id)
      expect(hits.map((h) => h.conversationId), q).not.toContain(secret.id)
    }
    const byName = (await find(ann, 'quixote')).hits[0]
    expect(byName).toMatchObject({ kind: 'customer', conversationId: dana.id, messageId: null, seq: null })
    expect(byName.conversation).toMatchObject({ id: dana.id, customer: { name: 'Dana Quixote' } })
    const { text, ranges } = byName.snippet
    expect(ranges.map(([a, b]: [number, number]) => text.slice(a, b))).toEqual(['Quixote', 'quixote'])

    // Message text, with the message's id and seq and the word marked.
    const inText = (await find(ann, 'zebra')).hits
    expect(inText).toHaveLength(1)
    expect(inText[0]).toMatchObject({ kind: 'message', conversationId: dana.id, seq: 1 })
    expect(inText[0].messageId).toEqual(expect.any(String))
    expect(inText[0].snippet.text).toBe('My parcel zebrafish never arrived')
    expect(inText[0].snippet.ranges).toEqual([[10, 19]])
    // Ben in Sales finds Sven's chat and not Dana's.
    expect((await find(ben, 'zebrafish')).hits.map((h) => h.conversationId)).toEqual([secret.id])
    expect((await find(ben, 'dana')).hits).toEqual([])
    // Every word must match.
    expect((await find(ann, 'zebrafish discount')).hits).toEqual([])
  })

  it('follows the visibility rule as chats move: History stays mine after a transfer away, a chat moved out of my queues is out of reach', async () => {
    const chat = await pickedChat(s, ann)
    await say(ann, 'Your walrus voucher is WX-1234', `/api/conversations/${chat.id}/messages`)
    await ann.req('POST', `/api/conversations/${chat.id}/end`)
    expect((await find(ann, 'walrus')).hits.map((h) => h.conversationId)).toEqual([chat.id])
    expect((await find(ann, 'wx 1234')).hits.map((h) => h.conversationId)).toEqual([chat.id])

    // A chat I never handled, transferred out of my queue: gone from my results.
    const other = await pickedChat(s, await signedInAgent(s, 'cleo', ['support', 'sales']))
    await say(other.customer, 'walrus again')
    expect((await find(ann, 'walrus')).hits.map((h) => h.conversationId).sort()).toEqual([chat.id, other.id].sort())
    const salesId = (await s.ctx.db.selectFrom('queues').select('id').where('address', '=', 'sales').executeTakeFirstOrThrow()).id
    const cleo = await signIn(s.url, 'cleo', 'secret-pass')
    expect((await cleo.req('POST', `/api/conversations/${other.id}/transfer`, { queueId: salesId })).status).toBe(200)
    expect((await find(ann, 'walrus')).hits.map((h) => h.conversationId)).toEqual([chat.id])
    expect((await find(ben, 'walrus')).hits.map((h) => h.conversationId)).toEqual([other.id])
  })

  it('orders customer matches first, then by relevance and recency, and pages by cursor', async () => {
    const chat = await pickedChat(s, ann)
    for (let i = 0; i < 7; i++) await say(chat.customer, `pelican number ${i}`)
    await say(chat.customer, 'pelican pelican pelican')
    const first = await find(ann, 'pelican', '&limit=3')
    expect(first.hits).toHaveLength(3)
    // The densest match first; then the newest of the equally relevant.
    expect(first.hits[0].snippet.text).toBe('pelican pelican pelican')
    expect(first.hits[1].snippet.text).toBe('pelican number 6')
    const seen = first.hits.map((h) => h.messageId)
    let cursor = first.nextCursor
    while (cursor) {
      const page = await find(ann, 'pelican', `&limit=3&cursor=${cursor}`)
      seen.push(...page.hits.map((h) => h.messageId))
      cursor = page.nextCursor
    }
    expect(seen).toHaveLength(8)
    expect(new Set(seen).size).toBe(8)
    for (const bad of ['?q=', '?q=%20%20', '?q=...', '?q=x&cursor=abc', '?q=x&limit=0', '?q=x&limit=51', `?q=${'x'.repeat(201)}`]) {
      expect((await ann.req('GET', `/api/search${bad}`)).status, bad).toBe(400)
    }
    expect((await new Client(s.url).req('GET', '/api/search?q=pelican')).status).toBe(401)
  })

  it('cuts long texts into a snippet around the first match, at word and grapheme boundaries', () => {
    const long = `${'Lorem ipsum dolor sit amet '.repeat(10)}the 👩‍👩‍👧 family needle here ${'consectetur adipiscing '.repeat(10)}`
    const terms = searchTerms('NEEDLE')
    expect(terms).toEqual([{ text: 'needle', prefix: true }])
    const cut = snippet(long, terms)
    expect(cut.text.startsWith('…')).toBe(true)
    expect(cut.text.endsWith('…')).toBe(true)
    expect(cut.text.length).toBeLessThanOrEqual(163)
    expect(cut.ranges.map(([a, b]) => cut.text.slice(a, b))).toEqual(['needle'])
    expect(cut.text).toContain('👩‍👩‍👧')
    expect(searchTerms('a b')).toEqual([{ text: 'a', prefix: false }, { text: 'b', prefix: false }])
    expect(searchTerms('"*:& !')).toEqual([])
  })
})
