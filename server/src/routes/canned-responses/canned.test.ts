import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createQueue, signedInAgent, withServer, type Client } from '../../test/helpers.js'

describe('canned responses (issue 14, point 1)', () => {
  let admin: Client, ann: Client, ben: Client
  let sales: string, support: string
  withServer(async (s, a) => {
    admin = a
    sales = await createQueue(s, 'sales', 'Sales')
    support = await createQueue(s, 'help', 'Help')
    ann = await signedInAgent(s, 'ann', ['sales'])
    ben = await signedInAgent(s, 'ben', ['help'])
  })
  const titles = async (c: Client) => (await c.req('GET', '/api/canned-responses')).body.cannedResponses.map((r: any) => r.title)

  it('an agent lists shared ones for all queues and for their queues, and only their own personal ones', async () => {
    const all = await admin.req('POST', '/api/admin/canned-responses', { title: 'Greeting', shortcut: 'Hi', text: 'Hello {{customer.name}}, I am {{agent.name}}.', queueIds: null })
    expect(all.status).toBe(201)
    expect(all.body.cannedResponse).toMatchObject({ scope: 'shared', shortcut: 'hi', queueIds: null, ownerId: null, text: 'Hello {{customer.name}}, I am {{agent.name}}.' })
    const forSales = await admin.req('POST', '/api/admin/canned-responses', { title: 'Prices', text: 'Our prices are online.', queueIds: [sales] })
    expect(forSales.body.cannedResponse).toMatchObject({ queueIds: [sales], shortcut: null })
    await admin.req('POST', '/api/admin/canned-responses', { title: 'Reset password', shortcut: 'reset', text: 'Use the link.', queueIds: [support] })
    const mine = await ann.req('POST', '/api/canned-responses', { title: 'Bye', shortcut: 'bye', text: 'Goodbye!' })
    expect(mine.status).toBe(201)
    expect(mine.body.cannedResponse).toMatchObject({ scope: 'personal', queueIds: null, shortcut: 'bye' })
    await ben.req('POST', '/api/canned-responses', { title: 'Ben only', text: 'x' })

    expect(await titles(ann)).toEqual(['Bye', 'Greeting', 'Prices'])
    expect(await titles(ben)).toEqual(['Ben only', 'Greeting', 'Reset password'])
    // An admin in no queue sees only the all-queue ones (and manages every shared one apart).
    expect(await titles(admin)).toEqual(['Greeting'])
    expect((await admin.req('GET', '/api/admin/canned-responses')).body.cannedResponses.map((r: any) => r.title)).toEqual(['Greeting', 'Prices', 'Reset password'])

    // Moving a shared one to another queue moves who sees it.
    const moved = await admin.req('PATCH', `/api/admin/canned-responses/${forSales.body.cannedResponse.id}`, { queueIds: [support, sales] })
    expect(moved.body.cannedResponse.queueIds.sort()).toEqual([sales, support].sort())
    expect(await titles(ben)).toContain('Prices')
    await admin.req('PATCH', `/api/admin/canned-responses/${forSales.body.cannedResponse.id}`, { queueIds: [support] })
    expect(await titles(ann)).not.toContain('Prices')
  })

  it('answers 404 for what the caller may not change, 409 for a shortcut taken, 400 for a bad body or an unknown queue', async () => {
    const bensId = (await ben.req('GET', '/api/canned-responses')).body.cannedResponses.find((r: any) => r.title === 'Ben only').id
    const sharedId = (await admin.req('GET', '/api/admin/canned-responses')).body.cannedResponses[0].id
    expect((await ann.req('PATCH', `/api/canned-responses/${bensId}`, { title: 'Mine now' })).status).toBe(404)
    expect((await ann.req('DELETE', `/api/canned-responses/${bensId}`)).status).toBe(404)
    expect((await ann.req('PATCH', `/api/canned-responses/${sharedId}`, { title: 'x' })).status).toBe(404)
    expect((await ann.req('DELETE', `/api/canned-responses/${randomUUID()}`)).status).toBe(404)
    // A personal one is not the admin's shared one either.
    expect((await admin.req('DELETE', `/api/admin/canned-responses/${bensId}`)).status).toBe(404)
    expect((await ann.req('GET', '/api/admin/canned-responses')).status).toBe(403)
    expect((await ann.req('POST', '/api/admin/canned-responses', { title: 'x', text: 'y', queueIds: null })).status).toBe(403)

    expect((await ann.req('POST', '/api/canned-responses', { title: 'Again', shortcut: 'BYE', text: 'x' })).body.error.code).toBe('shortcut_taken')
    // Another agent's shortcuts and shared ones don't collide with mine.
    expect((await ben.req('POST', '/api/canned-responses', { title: 'Ben bye', shortcut: 'bye', text: 'x' })).status).toBe(201)
    expect((await admin.req('POST', '/api/admin/canned-responses', { title: 'Dup', shortcut: 'hi', text: 'x', queueIds: null })).body.error.code).toBe('shortcut_taken')
    expect((await admin.req('POST', '/api/admin/canned-responses', { title: 'Q', text: 'x', queueIds: [randomUUID()] })).body.error.code).toBe('invalid_reference')
    for (const body of [{ title: '', text: 'x' }, { title: 'x', text: '   ' }, { title: 'x', text: 'y', shortcut: 'a b' }, { title: 'x', text: 'y', shortcut: '/x' }, { title: 'x', text: 'y', scope: 'shared' }]) {
      expect((await ann.req('POST', '/api/canned-responses', body)).status).toBe(400)
    }

    const own = (await ann.req('GET', '/api/canned-responses')).body.cannedResponses.find((r: any) => r.title === 'Bye')
    const changed = await ann.req('PATCH', `/api/canned-responses/${own.id}`, { shortcut: null, text: 'See you, {{customer.name}}' })
    expect(changed.body.cannedResponse).toMatchObject({ title: 'Bye', shortcut: null, text: 'See you, {{customer.name}}' })
    expect((await ann.req('DELETE', `/api/canned-responses/${own.id}`)).status).toBe(204)
    expect(await titles(ann)).not.toContain('Bye')
    expect((await admin.req('DELETE', `/api/admin/canned-responses/${sharedId}`)).status).toBe(204)
  })
})
