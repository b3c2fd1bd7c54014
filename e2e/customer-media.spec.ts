// Showing photos, videos and documents in the thread (issue 4): a customer sends a photo the agent
// opens full size; files the agent sends show to the customer (photo, video, document chip).
import { randomUUID } from 'node:crypto'
import { expect, test, type APIRequestContext, type Browser, type Locator, type Page } from '@playwright/test'
import sharp from 'sharp'
import { apiAs } from './api'
import { signIn, startCustomerChat, uniqueName } from './helpers'

type FileRules = { allowedTypes: string[]; maxBytes: number; videoRecording: boolean; maxVideoSeconds: number }

/** A real 640x480 PNG: a blue field with a white square, so it has something to look at. */
async function photo(): Promise<Buffer> {
  const square = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#ffffff' } }).png().toBuffer()
  return sharp({ create: { width: 640, height: 480, channels: 3, background: '#2563eb' } })
    .composite([{ input: square, left: 220, top: 140 }])
    .png()
    .toBuffer()
}

/** A one-page PDF small enough to write by hand (the server recognises it by its %PDF magic). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n' +
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
)

/** A 1.5 s WebM recorded by this browser's MediaRecorder from a canvas (no duration in its header, like the app's). */
async function recordWebm(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas')
    canvas.width = 320
    canvas.height = 240
    const g = canvas.getContext('2d')!
    let frame = 0
    const draw = () => {
      g.fillStyle = `hsl(${(frame * 7) % 360} 70% 50%)`
      g.fillRect(0, 0, 320, 240)
      g.fillStyle = '#fff'
      g.fillRect((frame * 5) % 320, 100, 40, 40)
      frame++
    }
    draw()
    const timer = setInterval(draw, 40)
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' })
    const chunks: Blob[] = []
    recorder.ondataavailable = (e) => chunks.push(e.data)
    const stopped = new Promise((r) => (recorder.onstop = r))
    recorder.start(250)
    await new Promise((r) => setTimeout(r, 1500))
    recorder.stop()
    await stopped
    clearInterval(timer)
    const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer())
    let s = ''
    for (const b of bytes) s += String.fromCharCode(b)
    return btoa(s)
  })
  return Buffer.from(base64, 'base64')
}

/** A customer starts a chat in their own browser; the admin picks it over the API. */
async function pickedChat(browser: Browser, admin: APIRequestContext, base: string) {
  const name = uniqueName(base)
  const customer = await startCustomerChat(browser, name)
  const list = (await (await admin.get('/api/conversations?view=picklist')).json()).conversations as { id: string; customer: { name: string } }[]
  const id = list.find((c) => c.customer.name === name)!.id
  expect((await admin.post(`/api/conversations/${id}/pick`, { data: {} })).ok()).toBe(true)
  return { id, name, customer }
}

async function upload(admin: APIRequestContext, conversationId: string, file: { name: string; mimeType: string; buffer: Buffer }, recorded = false) {
  const res = await admin.post(`/api/conversations/${conversationId}/attachments`, {
    multipart: { ...(recorded ? { recorded: '1' } : {}), file },
  })
  expect(res.status(), await res.text()).toBe(201)
  return (await res.json()).attachment as { id: string }
}

const naturalWidth = (img: Locator) => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))

test('a customer sends a photo with text; the agent sees it and opens it full size', async ({ page, browser }) => {
  const admin = await apiAs()
  const { id, customer } = await pickedChat(browser, admin, 'Paula')
  const c = customer.page

  const chooser = c.waitForEvent('filechooser')
  await c.getByRole('button', { name: 'Add photo' }).click()
  await (await chooser).setFiles({ name: 'receipt photo.png', mimeType: 'image/png', buffer: await photo() })
  const chips = c.getByRole('list', { name: 'Attachments' })
  await expect(chips.getByRole('button', { name: 'Remove receipt photo.png' })).toBeVisible()
  await c.getByRole('textbox', { name: 'Message', exact: true }).fill('Here is my receipt 🧾')
  await c.getByRole('button', { name: 'Send' }).click()
  await expect(chips).toHaveCount(0)
  const log = c.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText('Here is my receipt 🧾')
  // Once stored, the customer's own photo comes back from the server (its thumbnail).
  const own = log.getByRole('img', { name: 'receipt photo.png' })
  // A short-lived signed URL for this file alone, never the chat token (issue 10).
  await expect(own).toHaveAttribute('src', /\/api\/public\/attachments\/[0-9a-f-]+\/thumb\?exp=\d+&sig=[\w-]+$/)
  await expect.poll(() => naturalWidth(own)).toBeGreaterThan(0)

  await signIn(page)
  await page.goto(`/conversations/${id}`)
  const thread = page.getByRole('log', { name: 'Messages' })
  await expect(thread).toContainText('Here is my receipt 🧾')
  const thumb = thread.getByRole('img', { name: 'receipt photo.png' })
  await expect.poll(() => naturalWidth(thumb)).toBeGreaterThan(0)
  // The box was reserved from the stored size (640x480 → 240x180): no jump when it loads.
  expect(await thumb.evaluate((el) => Math.round(el.getBoundingClientRect().width / el.getBoundingClientRect().height * 100))).toBe(133)

  const open = thread.getByRole('button', { name: 'Open receipt photo.png' })
  await open.click()
  const viewer = page.getByRole('dialog', { name: 'receipt photo.png' })
  await expect(viewer).toBeVisible()
  const full = viewer.getByRole('img', { name: 'receipt photo.png' })
  await expect.poll(() => naturalWidth(full)).toBe(640)
  await page.keyboard.press('Escape')
  await expect(viewer).toBeHidden()
  await expect(open).toBeFocused()
  await open.click()
  await viewer.getByRole('button', { name: 'Close' }).click()
  await expect(viewer).toBeHidden()
  await customer.context.close()
})

test('the customer sees the agent’s photo, plays a recorded video full screen and gets a document chip', async ({ browser }) => {
  const admin = await apiAs()
  const before = (await (await admin.get('/api/settings/files')).json()).files as FileRules
  const put = (rules: FileRules) => admin.put('/api/admin/settings/files', { data: rules })
  expect((await put({ ...before, allowedTypes: [...before.allowedTypes, 'pdf'] })).ok()).toBe(true)
  try {
    const { id, customer } = await pickedChat(browser, admin, 'Viv')
    const c = customer.page
    const image = await upload(admin, id, { name: '<img src=x onerror=alert(1)>.png', mimeType: 'image/png', buffer: await photo() })
    const video = await upload(admin, id, { name: 'How to fit it.webm', mimeType: 'video/webm', buffer: await recordWebm(c) }, true)
    const doc = await upload(admin, id, { name: 'Warranty terms.pdf', mimeType: 'application/pdf', buffer: PDF })
    const sent = await admin.post(`/api/conversations/${id}/messages`, {
      data: { clientId: randomUUID(), text: 'Everything you need', attachmentIds: [image.id, video.id, doc.id] },
    })
    expect(sent.status(), await sent.text()).toBe(201)

    const log = c.getByRole('log', { name: 'Messages' })
    await expect(log).toContainText('Everything you need')
    // The file name is plain text, never markup.
    const img = log.getByRole('img', { name: '<img src=x onerror=alert(1)>.png' })
    await expect.poll(() => naturalWidth(img)).toBeGreaterThan(0)
    await expect(log.locator('img[src="x"]')).toHaveCount(0)
    await log.getByRole('button', { name: 'Open <img src=x onerror=alert(1)>.png' }).click()
    const viewer = c.getByRole('dialog', { name: '<img src=x onerror=alert(1)>.png' })
    await expect.poll(() => naturalWidth(viewer.getByRole('img'))).toBe(640)
    await viewer.getByRole('button', { name: 'Close' }).click()

    const player = log.locator('video[aria-label="How to fit it.webm"]')
    await expect(player).toHaveAttribute('controls', '')
    // MediaRecorder's WebM says Infinity until seen to the end; the player finds the real length by itself.
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => (Number.isFinite(v.duration) ? v.duration : -1))).toBeGreaterThan(0)
    await player.evaluate((v: HTMLVideoElement) => v.play())
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0)
    expect(await c.evaluate(() => document.fullscreenEnabled)).toBe(true)
    await log.getByRole('button', { name: 'Full screen' }).click()
    await expect.poll(() => c.evaluate(() => document.fullscreenElement?.getAttribute('aria-label') ?? null)).toBe('How to fit it.webm')
    await c.evaluate(() => document.exitFullscreen())

    const link = log.getByRole('link', { name: `Download Warranty terms.pdf, ${PDF.length} B` })
    await expect(link).toBeVisible()
    await expect(link).toContainText('Warranty terms.pdf')
    const href = await link.getAttribute('href')
    expect(href).toMatch(new RegExp(`^/api/public/attachments/${doc.id}\\?exp=\\d+&sig=[\\w-]+$`))
    const download = await c.request.get(href!)
    expect(download.status()).toBe(200)
    expect(download.headers()['content-disposition']).toMatch(/^attachment/)
    await customer.context.close()
  } finally {
    await put(before)
  }
})

test('a customer’s photo whose upload fails on a lost connection is kept and goes once back online', async ({ browser }) => {
  const admin = await apiAs()
  const { id, customer } = await pickedChat(browser, admin, 'Omar')
  const c = customer.page
  await customer.context.setOffline(true)
  const chooser = c.waitForEvent('filechooser')
  await c.getByRole('button', { name: 'Add photo' }).click()
  await (await chooser).setFiles({ name: 'meter.png', mimeType: 'image/png', buffer: await photo() })
  await c.getByRole('button', { name: 'Send' }).click()
  const log = c.getByRole('log', { name: 'Messages' })
  // Shown at once from the file itself while it waits.
  const pending = log.getByRole('img', { name: 'meter.png' })
  await expect(pending).toHaveAttribute('src', /^blob:/)
  await expect(log).toContainText('Sending…')
  await customer.context.setOffline(false)
  await expect(pending).toHaveAttribute('src', /\/api\/public\/attachments\/.+\/thumb\?exp=\d+&sig=/)
  await expect(log).not.toContainText('Sending…')
  const messages = (await (await admin.get(`/api/conversations/${id}/messages`)).json()).messages as { attachments: { name: string }[] }[]
  expect(messages.flatMap((m) => m.attachments.map((a) => a.name))).toEqual(['meter.png'])
  await customer.context.close()
})
