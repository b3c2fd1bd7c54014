// Issue 10, point 10 (this half): signed attachment URLs instead of ?token=, customer token
// expiry and revocation.
import { randomUUID } from 'node:crypto'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { createUrlSigner, loadUrlSecret } from '../../services/signedUrls.js'
import { startChat, TestSocket, type Client, type TestServer, withServer, fileForm } from '../../test/helpers.js'

const png = () => sharp({ create: { width: 64, height: 48, channels: 3, background: '#c63' } }).png().toBuffer()
const form = fileForm

describe('signed attachment URLs and customer token lifetimes', () => {
  let s: TestServer, admin: Client
  withServer((server, signedIn) => { s = server; admin = signedIn }, { env: { ATTACHMENT_URL_SECONDS: '600', CUSTOMER_TOKEN_DAYS: '30' } })

  /** A picked chat where the agent sent a photo; the customer's view of that message. */
  async function chatWithPhoto() {
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    const up = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(await png(), 'photo.png'))
    await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'photo', attachmentIds: [up.body.attachment.id] })
    const pub = await chat.customer.req('GET', '/api/public/conversation')
    const file = pub.body.messages.find((m: { text: string }) => m.text === 'photo').attachments[0]
    return { chat, file }
  }

  it('the customer gets signed URLs scoped to one rendering of one file, cached no longer than they live', async () => {
    const { chat, file } = await chatWithPhoto()
    expect(file.urls.original).toMatch(new RegExp(`^/api/public/attachments/${file.id}\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`))
    expect(file.urls.thumb).toMatch(new RegExp(`^/api/public/attachments/${file.id}/thumb\\?exp=`))
    expect(file.urls.preview).toBeNull()
    expect(JSON.stringify(file.urls)).not.toContain(chat.token)
    const left = (file.urls.expiresAt - Date.now()) / 1000
    expect(left).toBeGreaterThan(590)
    expect(left).toBeLessThanOrEqual(600 + 150 + 1)

    const res = await fetch(s.url + file.urls.original)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(await png())).toBe(true)
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(res.headers.get('cache-control') ?? '')?.[1])
    expect(maxAge).toBeGreaterThan(0)
    expect(maxAge).toBeLessThanOrEqual(Math.ceil((file.urls.expiresAt - Date.now()) / 1000) + 1)
    expect((await fetch(s.url + file.urls.thumb)).status).toBe(200)

    // The signature opens that rendering of that file only, and nothing once altered or expired.
    const query = file.urls.original.split('?')[1]
    expect((await fetch(`${s.url}/api/public/attachments/${file.id}/thumb?${query}`)).status).toBe(404)
    const other = await chatWithPhoto()
    expect((await fetch(`${s.url}/api/public/attachments/${other.file.id}?${query}`)).status).toBe(404)
    const exp = Number(/exp=(\d+)/.exec(query)![1])
    expect((await fetch(s.url + file.urls.original.replace(`exp=${exp}`, `exp=${exp + 600}`))).status).toBe(404)
    const signer = createUrlSigner(await loadUrlSecret(s.ctx.db), 600)
    const stale = signer.urls(file, Date.now() - 2 * 3600_000)
    expect((await fetch(s.url + stale.original)).status).toBe(404)
    // Another secret (another install) signs nothing here.
    const foreign = createUrlSigner(Buffer.alloc(32, 7), 600).urls(file)
    expect((await fetch(s.url + foreign.original)).status).toBe(404)
  })

  it('the customer token in the query string opens no file any more; a Bearer header still does', async () => {
    const { chat, file } = await chatWithPhoto()
    for (const path of [`/api/public/attachments/${file.id}`, `/api/public/attachments/${file.id}/thumb`]) {
      const res = await fetch(`${s.url}${path}?token=${chat.token}`)
      expect(res.status).toBe(404)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found')
    }
    const bearer = await fetch(`${s.url}/api/public/attachments/${file.id}`, { headers: { authorization: `Bearer ${chat.token}` } })
    expect(bearer.status).toBe(200)
    expect(bearer.headers.get('cache-control')).toBe('private, no-store')
    // Agents keep their cookie URLs.
    expect((await fetch(`${s.url}/api/attachments/${file.id}`, { headers: { cookie: admin.cookie } })).status).toBe(200)
  })

  it('signed URLs reach the customer in the send answer and on the socket; agents get none', async () => {
    const chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
    const sock = await TestSocket.open(s.url, { token: chat.token })
    await sock.until((f) => f.type === 'ready')
    const agentSock = await TestSocket.open(s.url, {}, admin.cookie)
    await agentSock.until((f) => f.type === 'ready')
    const up = await chat.customer.req('POST', '/api/public/conversation/attachments', form(await png(), 'mine.png'))
    expect(up.body.attachment.urls.original).toContain('sig=')
    const sent = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: '', attachmentIds: [up.body.attachment.id] })
    expect((await fetch(s.url + sent.body.message.attachments[0].urls.thumb)).status).toBe(200)
    const frame = await sock.until((f) => f.type === 'event' && f.event.type === 'message.created')
    const url = frame.type === 'event' && 'message' in frame.event.data ? frame.event.data.message.attachments[0]!.urls!.original : ''
    expect((await fetch(s.url + url)).status).toBe(200)
    const agentFrame = await agentSock.until((f) => f.type === 'event' && f.event.type === 'message.created')
    expect(JSON.stringify(agentFrame)).not.toContain('sig=')
    const agentView = await admin.req('GET', `/api/conversations/${chat.id}/messages`)
    expect(JSON.stringify(agentView.body)).not.toContain('sig=')
    sock.close()
    agentSock.close()
  })

  it('a customer token expires 30 days after its chat ended, and its file URLs with it', async () => {
    const { chat, file } = await chatWithPhoto()
    await admin.req('POST', `/api/conversations/${chat.id}/end`)
    const day = 24 * 3600_000
    await s.ctx.db.updateTable('conversations').set({ ended_at: Date.now() - 29 * day }).where('id', '=', chat.id).execute()
    expect((await chat.customer.req('GET', '/api/public/conversation')).status).toBe(200)
    expect((await fetch(s.url + file.urls.original)).status).toBe(200)
    await s.ctx.db.updateTable('conversations').set({ ended_at: Date.now() - 31 * day }).where('id', '=', chat.id).execute()
    expect((await chat.customer.req('GET', '/api/public/conversation')).status).toBe(401)
    expect((await fetch(s.url + file.urls.original)).status).toBe(404)
    const sock = await TestSocket.open(s.url, { token: chat.token })
    const f = await sock.until((x) => x.type === 'error')
    expect(f.type === 'error' && f.error.code).toBe('unauthorized')
    sock.close()
  })

  it('an agent who may see the chat can revoke its customer token; it then opens nothing', async () => {
    const { chat, file } = await chatWithPhoto()
    const outsider = await startChat(s.url)
    expect((await chat.customer.req('GET', '/api/public/conversation')).status).toBe(200)
    expect((await chat.customer.req('POST', `/api/conversations/${chat.id}/customer-token/revoke`)).status).toBe(401)
    expect((await admin.req('POST', `/api/conversations/${randomUUID()}/customer-token/revoke`)).status).toBe(404)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/customer-token/revoke`)).status).toBe(204)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/customer-token/revoke`)).status).toBe(204)
    expect((await chat.customer.req('GET', '/api/public/conversation')).status).toBe(401)
    expect((await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'hi' })).status).toBe(401)
    expect((await fetch(s.url + file.urls.original)).status).toBe(404)
    expect((await fetch(`${s.url}/api/public/attachments/${file.id}`, { headers: { authorization: `Bearer ${chat.token}` } })).status).toBe(404)
    // Other chats are untouched.
    expect((await outsider.customer.req('GET', '/api/public/conversation')).status).toBe(200)
  })
})
