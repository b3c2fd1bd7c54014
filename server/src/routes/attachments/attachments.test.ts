import { randomUUID } from 'node:crypto'
import { readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { cleanFileName } from '../../services/attachments.js'
import { webmFile } from '../../test/webm.js'
import { createAgent, signIn, startChat, TestSocket, type Client, type TestServer, withServer, fileForm } from '../../test/helpers.js'

const png = (w = 800, h = 600) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 30, g: 80, b: 200 } } }).png().toBuffer()
const jpeg = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#c33' } }).jpeg().toBuffer()
// A 3-second WebM recording, as MediaRecorder writes it (live: no Duration, unknown sizes).
const webm = webmFile({ seconds: 3, live: true })

const form = fileForm

/** Every stored byte: files on disk (default) and blobs in the database (shared storage). */
async function storedCount(s: TestServer) {
  const dir = join(s.dataDir, 'files')
  const onDisk = existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length : 0
  const tmp = existsSync(join(s.dataDir, 'tmp')) ? readdirSync(join(s.dataDir, 'tmp')).length : 0
  const blobs = (await s.ctx.db.selectFrom('blobs').select('key').execute()).length
  return onDisk + tmp + blobs
}

describe('attachments', () => {
  let s: TestServer
  let admin: Client
  let chat: Awaited<ReturnType<typeof startChat>>
  withServer(async (server, signedIn) => {
    s = server; admin = signedIn
    chat = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${chat.id}/pick`)
  })

  it('an agent sends a photo with text; the customer sees it, its thumbnail, and can fetch ranges', async () => {
    const up = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(await png(), 'photo.png'))
    expect(up.status).toBe(201)
    expect(up.body.attachment).toMatchObject({ name: 'photo.png', mime: 'image/png', kind: 'image', width: 800, height: 600, hasThumb: true, hasPreview: false })
    const sent = await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'Here you go 📷', attachmentIds: [up.body.attachment.id] })
    expect(sent.status).toBe(201)
    expect(sent.body.message.attachments).toHaveLength(1)

    const pub = await chat.customer.req('GET', '/api/public/conversation')
    const msg = pub.body.messages.find((m: any) => m.text === 'Here you go 📷')
    const id = msg.attachments[0].id
    // The customer's <img> uses the signed URL the API gave.
    const urls = msg.attachments[0].urls
    const file = await fetch(s.url + urls.original)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
    expect(file.headers.get('content-disposition')).toBe('inline; filename=photo.png')
    const bytes = Buffer.from(await file.arrayBuffer())
    expect(bytes.equals(await png())).toBe(true)
    const thumb = await fetch(`${s.url}/api/public/attachments/${id}/thumb`, { headers: { authorization: `Bearer ${chat.token}` } })
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 320, 240])
    const part = await fetch(s.url + urls.original, { headers: { range: 'bytes=0-9' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 10))).toBe(true)
    // The agent reads it with the session cookie.
    const agentFile = await fetch(`${s.url}/api/attachments/${id}`, { headers: { cookie: admin.cookie } })
    expect(agentFile.status).toBe(200)
  })

  it('refuses an HTML file named .png (415) and leaves nothing stored', async () => {
    const before = await storedCount(s)
    const res = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(Buffer.from('<html><script>alert(1)</script></html>'), 'cat.png'))
    expect(res.status).toBe(415)
    expect(res.body.error.code).toBe('unsupported_type')
    expect(await storedCount(s)).toBe(before)
  })

  it('refuses an upload over the size limit with 413 while streaming, and leaves nothing', async () => {
    await admin.req('PUT', '/api/admin/settings/files', { allowedTypes: ['png', 'jpg', 'jpeg', 'gif', 'heic'], maxBytes: 50_000, videoRecording: true, maxVideoSeconds: 60 })
    const before = await storedCount(s)
    const big = await sharp({ create: { width: 1500, height: 1500, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer()
    expect(big.length).toBeGreaterThan(50_000)
    const res = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(big, 'big.png'))
    expect(res.status).toBe(413)
    expect(res.body.error.message).toMatch(/maximum size of 49 KB/)
    expect(await storedCount(s)).toBe(before)
    await admin.req('PUT', '/api/admin/settings/files', { allowedTypes: ['png', 'jpg', 'jpeg', 'gif', 'heic'], maxBytes: 10 * 1024 * 1024, videoRecording: true, maxVideoSeconds: 60 })
  })

  it('a file from another conversation is 404, to read and to attach', async () => {
    const other = await startChat(s.url)
    await admin.req('POST', `/api/conversations/${other.id}/pick`)
    const up = await admin.req('POST', `/api/conversations/${other.id}/attachments`, form(await png(10, 10), 'secret.png'))
    await admin.req('POST', `/api/conversations/${other.id}/messages`, { clientId: randomUUID(), text: '', attachmentIds: [up.body.attachment.id] })
    const id = up.body.attachment.id
    const bearer = { headers: { authorization: `Bearer ${chat.token}` } }
    expect((await fetch(`${s.url}/api/public/attachments/${id}`, bearer)).status).toBe(404)
    expect((await fetch(`${s.url}/api/public/attachments/${id}/thumb`, bearer)).status).toBe(404)
    expect((await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: 'steal', attachmentIds: [id] })).status).toBe(404)
    await createAgent(s, 'stranger', { queues: [] })
    const stranger = await signIn(s.url, 'stranger', 'secret-pass')
    expect((await fetch(`${s.url}/api/attachments/${id}`, { headers: { cookie: stranger.cookie } })).status).toBe(404)
    // A customer can't read an agent's upload before it is sent.
    const unsent = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(await png(10, 10), 'draft.png'))
    expect((await fetch(`${s.url}/api/public/attachments/${unsent.body.attachment.id}`, bearer)).status).toBe(404)
  })

  it('keeps a hostile file name as plain text, and the header safe', async () => {
    const name = '<img src=x onerror=alert(1)>\r\nSet-Cookie: x=1.png'
    const up = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(await png(10, 10), name))
    expect(up.status).toBe(201)
    // Browsers percent-encode CR/LF in multipart file names; either way it is only ever text.
    expect(up.body.attachment.name).toMatch(/^<img src=x onerror=alert\(1\)>(%0D%0A)?Set-Cookie: x=1\.png$/)
    expect(cleanFileName('../../etc/<b>\r\nx.png')).toBe('<b>x.png')
    expect(cleanFileName('')).toBe('file')
    await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: '', attachmentIds: [up.body.attachment.id] })
    const res = await fetch(`${s.url}/api/public/attachments/${up.body.attachment.id}`, { headers: { authorization: `Bearer ${chat.token}` } })
    const cd = res.headers.get('content-disposition')!
    expect(cd).not.toMatch(/[\r\n]/)
    expect(cd).toContain("filename*=UTF-8''")
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(res.headers.get('content-security-policy')).toContain('sandbox')
  })

  it('an admin change of allowed types applies to the next upload and reaches open sockets', async () => {
    const sock = await TestSocket.open(s.url, {}, admin.cookie)
    await sock.until((f) => f.type === 'ready')
    expect((await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(await jpeg(), 'a.jpg'))).status).toBe(201)
    const res = await admin.req('PUT', '/api/admin/settings/files', { allowedTypes: ['PNG', '.gif'], maxBytes: 5_000_000, videoRecording: false, maxVideoSeconds: 30 })
    expect(res.body.files).toEqual({ allowedTypes: ['gif', 'png'], maxBytes: 5_000_000, videoRecording: false, maxVideoSeconds: 30 })
    await sock.until((f) => f.type === 'settings' && f.files.allowedTypes.join() === 'gif,png')
    const refused = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(await jpeg(), 'a.jpg'))
    expect(refused.status).toBe(415)
    expect(refused.body.error.message).toMatch(/JPG files are not allowed \(allowed: gif, png\)/)
    expect((await admin.req('GET', '/api/settings/files')).body.files.maxBytes).toBe(5_000_000)
    // Recorded video follows the recording switch, not the list.
    expect((await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(webm, 'clip.webm', { recorded: '1' }))).status).toBe(415)
    await admin.req('PUT', '/api/admin/settings/files', { allowedTypes: ['png'], maxBytes: 5_000_000, videoRecording: true, maxVideoSeconds: 30 })
    const video = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(webm, 'clip.webm', { recorded: '1' }))
    expect(video.status).toBe(201)
    expect(video.body.attachment).toMatchObject({ kind: 'video', mime: 'video/webm' })
    // A video file picked from the gallery follows the list.
    expect((await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(webm, 'clip.webm'))).status).toBe(415)
    expect((await admin.req('PUT', '/api/admin/settings/files', { allowedTypes: ['png'], maxBytes: 1, videoRecording: true, maxVideoSeconds: 30 })).status).toBe(400)
    sock.close()
  })

  it('customers send images too, under the same rules; bad requests are 400', async () => {
    const up = await chat.customer.req('POST', '/api/public/conversation/attachments', form(await png(20, 20), 'mine.png'))
    expect(up.status).toBe(201)
    const sent = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: '', attachmentIds: [up.body.attachment.id] })
    expect(sent.status).toBe(201)
    expect((await chat.customer.req('POST', '/api/public/conversation/attachments', form(Buffer.from('%PDF-1.4 fake'), 'doc.pdf'))).status).toBe(415)
    expect((await chat.customer.req('POST', '/api/public/conversation/attachments', { file: 'nope' })).status).toBe(400)
    expect((await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: ' ' })).status).toBe(400)
  })
})
