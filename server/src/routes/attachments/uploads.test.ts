// Issue 10, points 9 (uploads take nobody's word) and 13 (file names).
import { randomUUID } from 'node:crypto'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { cleanFileName, MAX_FILE_NAME_BYTES, sweepUnsentUploads } from '../../services/attachments.js'
import { webmFile } from '../../test/webm.js'
import { ADMIN_PASSWORD, signIn, startChat, startTestServer, type Client, type TestServer, withServer, fileForm, pickedChat } from '../../test/helpers.js'

const png = (w = 20, h = 20) => sharp({ create: { width: w, height: h, channels: 3, background: '#36c' } }).png().toBuffer()
/** A PNG of noise: about `kb` kilobytes that don't compress. */
const noisePng = (side: number) => sharp({ create: { width: side, height: side, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer()

const form = fileForm

const RULES = { allowedTypes: ['png', 'jpg', 'jpeg', 'gif', 'heic'], maxBytes: 10 * 1024 * 1024, videoRecording: true, maxVideoSeconds: 30 }

describe('uploads take nobody\'s word', () => {
  let s: TestServer, admin: Client
  withServer((server, signedIn) => { s = server; admin = signedIn }, { env: { UPLOAD_QUOTA_FILES: '4', UPLOAD_QUOTA_MB: '0.25' } })

  const picked = () => pickedChat(s, admin)
  const agentUpload = (id: string, data: Buffer, name: string, fields?: Record<string, string>) =>
    admin.req('POST', `/api/conversations/${id}/attachments`, form(data, name, fields))

  it('recorded=1 never widens what a customer may send', async () => {
    await admin.req('PUT', '/api/admin/settings/files', RULES)
    const chat = await startChat(s.url)
    for (const fields of [{ recorded: '1' }, {}] as Record<string, string>[]) {
      const res = await chat.customer.req('POST', '/api/public/conversation/attachments', form(webmFile({ seconds: 3, statedSeconds: 3 }), 'clip.webm', fields))
      expect(res.status).toBe(415)
      expect(res.body.error.code).toBe('unsupported_type')
    }
    expect(await s.ctx.db.selectFrom('attachments').select('id').where('conversation_id', '=', chat.id).execute()).toEqual([])
  })

  it('an agent\'s recording needs recording on, and its container duration within the maximum', async () => {
    const chat = await picked()
    const ok = await agentUpload(chat.id, webmFile({ seconds: 29.5, live: true }), 'ok.webm', { recorded: '1' })
    expect(ok.status).toBe(201)
    expect(ok.body.attachment).toMatchObject({ kind: 'video', mime: 'video/webm' })
    // Stated by the Segment Info, or found from the clusters when no Duration is written, or
    // understated in the Info while the clusters run on: all checked on the server.
    for (const [name, file] of [
      ['stated.webm', webmFile({ seconds: 90, statedSeconds: 90 })],
      ['live.webm', webmFile({ seconds: 90, live: true })],
      ['lying.webm', webmFile({ seconds: 90, statedSeconds: 5 })],
    ] as const) {
      const res = await agentUpload(chat.id, file, name, { recorded: '1' })
      expect(res.status, name).toBe(413)
      expect(res.body.error).toEqual({ code: 'video_too_long', message: 'This video is 90 s long; recordings may be at most 30 s' })
    }
    // A video with no stated or readable length is refused.
    const blank = await agentUpload(chat.id, webmFile({ seconds: 0, live: true }).subarray(0, 60), 'blank.webm', { recorded: '1' })
    expect(blank.status).toBe(415)
    // Recording turned off: a recording is refused even when the type list has webm.
    await admin.req('PUT', '/api/admin/settings/files', { ...RULES, allowedTypes: [...RULES.allowedTypes, 'webm'], videoRecording: false })
    const off = await agentUpload(chat.id, webmFile({ seconds: 3, statedSeconds: 3 }), 'off.webm', { recorded: '1' })
    expect(off.status).toBe(415)
    expect(off.body.error.message).toBe('Video recording is turned off')
    // The same file picked from the gallery follows the list.
    expect((await agentUpload(chat.id, webmFile({ seconds: 3, statedSeconds: 3 }), 'gallery.webm')).status).toBe(201)
    await admin.req('PUT', '/api/admin/settings/files', RULES)
    const rows = await s.ctx.db.selectFrom('attachments').select('file_name').where('conversation_id', '=', chat.id).orderBy('created_at').execute()
    expect(rows.map((r) => r.file_name)).toEqual(['ok.webm', 'gallery.webm'])
  })

  it('each conversation has an hourly quota of files and bytes, answered with 429', async () => {
    await admin.req('PUT', '/api/admin/settings/files', RULES)
    const a = await startChat(s.url)
    for (let i = 0; i < 4; i++) {
      expect((await a.customer.req('POST', '/api/public/conversation/attachments', form(await png(), `p${i}.png`))).status).toBe(201)
    }
    const over = await a.customer.req('POST', '/api/public/conversation/attachments', form(await png(), 'p5.png'))
    expect(over.status).toBe(429)
    expect(over.body.error.code).toBe('upload_quota')
    expect(over.body.error.message).toMatch(/at most 4 files and 256 KB/)

    // Bytes: 0.25 MB an hour; a second 150 KB file passes it and is not kept.
    const b = await startChat(s.url)
    const big = await noisePng(230)
    expect(big.length).toBeGreaterThan(140_000)
    expect(big.length).toBeLessThan(200_000)
    expect((await b.customer.req('POST', '/api/public/conversation/attachments', form(big, 'one.png'))).status).toBe(201)
    const second = await b.customer.req('POST', '/api/public/conversation/attachments', form(big, 'two.png'))
    expect(second.status).toBe(429)
    expect(await s.ctx.db.selectFrom('attachments').select('file_name').where('conversation_id', '=', b.id).execute()).toEqual([{ file_name: 'one.png' }])

    // Another conversation has its own quota; an hour later the first one may send again.
    const c = await startChat(s.url)
    expect((await c.customer.req('POST', '/api/public/conversation/attachments', form(await png(), 'c.png'))).status).toBe(201)
    await s.ctx.db.updateTable('attachments').set({ created_at: Date.now() - 3601_000 }).where('conversation_id', '=', a.id).execute()
    expect((await a.customer.req('POST', '/api/public/conversation/attachments', form(await png(), 'later.png'))).status).toBe(201)
  })

  it('files uploaded but never sent are deleted after 24 hours; sent ones stay', async () => {
    const chat = await picked()
    const sent = await agentUpload(chat.id, await png(), 'sent.png')
    await admin.req('POST', `/api/conversations/${chat.id}/messages`, { clientId: randomUUID(), text: '', attachmentIds: [sent.body.attachment.id] })
    const stale = await chat.customer.req('POST', '/api/public/conversation/attachments', form(await png(), 'stale.png'))
    const fresh = await chat.customer.req('POST', '/api/public/conversation/attachments', form(await png(), 'fresh.png'))
    const dayAgo = Date.now() - 24 * 3600_000 - 1000
    await s.ctx.db.updateTable('attachments').set({ created_at: dayAgo }).where('id', 'in', [sent.body.attachment.id, stale.body.attachment.id]).execute()
    const staleRow = await s.ctx.db.selectFrom('attachments').selectAll().where('id', '=', stale.body.attachment.id).executeTakeFirstOrThrow()
    expect(await s.store.size(staleRow.storage_key)).toBeGreaterThan(0)

    expect(await sweepUnsentUploads(s.ctx.db, s.store)).toBe(1)
    const left = await s.ctx.db.selectFrom('attachments').select('id').where('conversation_id', '=', chat.id).execute()
    expect(left.map((r) => r.id).sort()).toEqual([sent.body.attachment.id, fresh.body.attachment.id].sort())
    expect(await s.store.size(staleRow.storage_key)).toBeUndefined()
    expect(await s.store.size(staleRow.thumb_key!)).toBeUndefined()
    // Sending it now fails cleanly; nothing else is touched by a second sweep.
    const late = await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: '', attachmentIds: [stale.body.attachment.id] })
    expect(late.status).toBe(404)
    expect(await sweepUnsentUploads(s.ctx.db, s.store)).toBe(0)
  })
})

describe('file names (point 13)', () => {
  it('lose bidi, invisible format and control characters', () => {
    // U+202E makes "invoice‮fdp.exe" show as "invoiceexe.pdf".
    expect(cleanFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe')
    expect(cleanFileName('a\u200Bb\u200Cc\u200Dd\u200Ee\u200Ff\u2066g\u2067h\u2068i\u2069j\u202Ak\uFEFFl\u00ADm\u2060.png')).toBe('abcdefghijklm.png')
    expect(cleanFileName('line\u2028break\u2029.txt\u0007\u009F')).toBe('linebreak.txt')
    expect(cleanFileName('..\\..\\x\\report.pdf')).toBe('report.pdf')
    expect(cleanFileName('\u202E\u200B')).toBe('file')
    expect(cleanFileName('trailing. . ')).toBe('trailing')
    // An emoji made of joined emoji keeps its joiner; NFC makes one form of accented letters.
    expect(cleanFileName('team 👩\u200D💻.png')).toBe('team 👩\u200D💻.png')
    expect(cleanFileName('cafe\u0301.jpg')).toBe('café.jpg')
  })

  it('keep their extension when shortened, cut between graphemes', () => {
    const long = 'x'.repeat(400) + '.pdf'
    expect(cleanFileName(long)).toBe('x'.repeat(MAX_FILE_NAME_BYTES - 4) + '.pdf')
    // Family emoji are 25 UTF-8 bytes each: never split inside one.
    const family = '👨\u200D👩\u200D👧\u200D👦'
    const out = cleanFileName(family.repeat(20) + '.jpeg')
    expect(out.endsWith('.jpeg')).toBe(true)
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES)
    expect(out).toBe(family.repeat(10) + '.jpeg')
    // No extension: cut at the limit.
    expect(cleanFileName('é'.repeat(300))).toBe('é'.repeat(127))
  })

  it('are cleaned wherever they enter: an upload\'s stored and served name', async () => {
    const s = await startTestServer()
    try {
      const admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
      const chat = await startChat(s.url)
      await admin.req('POST', `/api/conversations/${chat.id}/pick`)
      const up = await admin.req('POST', `/api/conversations/${chat.id}/attachments`, form(await png(), 'photo\u202Egnp.exe.png'))
      expect(up.body.attachment.name).toBe('photognp.exe.png')
      const cust = await chat.customer.req('POST', '/api/public/conversation/attachments', form(await png(), `${'é'.repeat(200)}\u200F.png`))
      expect(cust.body.attachment.name).toBe('é'.repeat(125) + '.png')
    } finally {
      await s.close()
    }
  })
})
