import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { pickedChat, signedInAgent, startChat, TestSocket, withServer, type Client, type TestServer } from '../../test/helpers.js'

describe('waiting time and History paging (issue 14, points 3 and 6)', () => {
  let s: TestServer
  let ann: Client
  withServer(async (server) => {
    s = server
    ann = await signedInAgent(s, 'ann', ['support'])
  })
  const say = (c: Client, text: string, path = '/api/public/conversation/messages') => c.req('POST', path, { clientId: randomUUID(), text })
  const waiting = async (id: string) => (await ann.req('GET', `/api/conversations/${id}`)).body.conversation.waitingSince

  it('waitingSince is the customer\'s oldest unanswered message, null once an agent answers or the chat ends, and socket updates carry it', async () => {
    const chat = await startChat(s.url)
    expect(await waiting(chat.id)).toBeNull()
    const socket = await TestSocket.open(s.url, {}, ann.cookie)
    await socket.until((f) => f.type === 'ready')
    const first = (await say(chat.customer, 'Hello?')).body.message
    await say(chat.customer, 'Anyone there?')
    expect(await waiting(chat.id)).toBe(first.createdAt)
    const update = await socket.until((f) => f.type === 'event' && f.event.type === 'conversation.updated' && (f.event.data.conversation as any).waitingSince === first.createdAt)
    expect(update).toBeTruthy()
    // Picking adds a system line: that is no answer.
    await ann.req('POST', `/api/conversations/${chat.id}/pick`)
    expect(await waiting(chat.id)).toBe(first.createdAt)
    await say(ann, 'Hi, I am here', `/api/conversations/${chat.id}/messages`)
    expect(await waiting(chat.id)).toBeNull()
    await socket.until((f) => f.type === 'event' && f.event.type === 'conversation.updated' && (f.event.data.conversation as any).waitingSince === null)
    const again = (await say(chat.customer, 'One more thing')).body.message
    expect(await waiting(chat.id)).toBe(again.createdAt)
    const listed = (await ann.req('GET', '/api/conversations?view=conversations')).body.conversations.find((c: any) => c.id === chat.id)
    expect(listed.waitingSince).toBe(again.createdAt)
    await ann.req('POST', `/api/conversations/${chat.id}/end`)
    expect(await waiting(chat.id)).toBeNull()
    socket.close()
  })

  it('History pages by cursor without a cap, newest ended first; without paging parameters it answers as before', async () => {
    const ended: string[] = []
    for (let i = 0; i < 7; i++) {
      const chat = await pickedChat(s, ann)
      await ann.req('POST', `/api/conversations/${chat.id}/end`)
      ended.unshift(chat.id)
    }
    const all = (await ann.req('GET', '/api/conversations?view=history')).body
    expect(all.conversations).toHaveLength(8) // and the one of the test before
    expect(all.nextCursor).toBeNull()
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: any = (await ann.req('GET', `/api/conversations?view=history&limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body
      expect(page.conversations.length).toBeLessThanOrEqual(3)
      seen.push(...page.conversations.map((c: any) => c.id))
      cursor = page.nextCursor
      pages++
    } while (cursor && pages < 10)
    expect(pages).toBe(3)
    expect(seen).toEqual(all.conversations.map((c: any) => c.id))
    expect(new Set(seen.slice(0, 7))).toEqual(new Set(ended))
    const endedAts = all.conversations.map((c: any) => c.endedAt)
    expect(endedAts).toEqual([...endedAts].sort((a: number, b: number) => b - a))
    for (const bad of ['x', 'eyJhIjoxfQ', '%00']) {
      const res = await ann.req('GET', `/api/conversations?view=history&cursor=${bad}`)
      expect(res.status).toBe(400)
    }
    // Other views ignore the paging parameters.
    expect((await ann.req('GET', '/api/conversations?view=picklist&limit=1')).body.nextCursor).toBeNull()
  })
})
