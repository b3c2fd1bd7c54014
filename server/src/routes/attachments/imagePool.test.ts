// Issue 12, point 2: images are decoded in a bounded pool of worker threads; when it is full an
// upload is answered 503 with Retry-After and a clear error, and nothing of it is stored.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { fileForm, pickedChat, type Client, type TestServer, withServer } from '../../test/helpers.js'

describe('the image pool', () => {
  let s: TestServer
  let admin: Client
  // One thread, no waiting room: a second image while one is being decoded finds the pool full.
  withServer((server, signedIn) => { s = server; admin = signedIn }, { env: { IMAGE_WORKERS: '1', IMAGE_QUEUE: '0', UPLOAD_QUOTA_FILES: '1000' } })

  it('a full pool answers 503 with Retry-After and stores nothing of that upload; the others are stored whole', async () => {
    const chat = await pickedChat(s, admin)
    // 64 megapixels of one colour: a small file whose decoding keeps the only thread busy for a while.
    const big = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#3a7' } }).png({ compressionLevel: 9 }).toBuffer()
    const url = `${s.url}/api/conversations/${chat.id}/attachments`
    const send = () => fetch(url, { method: 'POST', headers: { cookie: admin.cookie }, body: fileForm(big, 'wall.png') })
    const answers = await Promise.all([send(), send(), send()])
    const statuses = answers.map((r) => r.status)
    expect(statuses).toContain(201)
    expect(statuses).toContain(503)
    expect(statuses.every((st) => st === 201 || st === 503)).toBe(true)
    for (const r of answers.filter((a) => a.status === 503)) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect(await r.json()).toEqual({ error: { code: 'busy', message: expect.stringMatching(/busy/) } })
    }
    const stored = statuses.filter((st) => st === 201).length
    const rows = await s.ctx.db.selectFrom('attachments').select(['id', 'thumb_key']).where('conversation_id', '=', chat.id).execute()
    expect(rows).toHaveLength(stored)
    expect(rows.every((r) => r.thumb_key !== null)).toBe(true)
    if (!s.databaseUrl) {
      // On disk: the original and the thumbnail of each stored upload, nothing else, no temporary file left.
      const files = readdirSync(join(s.dataDir, 'files'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
      expect(files).toHaveLength(stored * 2)
      expect(readdirSync(join(s.dataDir, 'tmp')).filter((n) => n.startsWith('up-'))).toEqual([])
    }

    // Once the pool is free again the same file goes through.
    expect((await send()).status).toBe(201)
  })
})
