// Photos, videos and documents from the agent's chat (issue 4), on a phone with Chromium's fake
// camera: capture in the app, the admin's rules on the client (live) and again on the server.
import { chromium, devices, expect, test, type APIRequestContext, type Browser, type Locator, type Page } from '@playwright/test'
import { apiAs, BASE } from './api'
import { signIn, startCustomerChat, uniqueName } from './helpers'

// A real 8x8 PNG (red), and the same PNG padded after its end to pass a small size limit.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEUlEQVQImWO4IyeHFTEMLQkAid1GAWZe5nIAAAAASUVORK5CYII=',
  'base64',
)
const BIG_PNG = Buffer.concat([PNG, Buffer.alloc(3000, 0)])
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

type FileRules = { allowedTypes: string[]; maxBytes: number; videoRecording: boolean; maxVideoSeconds: number }

/** A customer starts a chat in their own browser; the agent (admin) picks it and opens it. */
async function openPickedChat(page: Page, browser: Browser, admin: APIRequestContext, base: string) {
  const name = uniqueName(base)
  const customer = await startCustomerChat(browser, name)
  const list = (await (await admin.get('/api/conversations?view=picklist')).json()).conversations as { id: string; customer: { name: string } }[]
  const id = list.find((c) => c.customer.name === name)!.id
  expect((await admin.post(`/api/conversations/${id}/pick`, { data: {} })).ok()).toBe(true)
  await page.goto(`/conversations/${id}`)
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  return { id, name, customer: customer.page, context: customer.context }
}

const attachMenu = async (page: Page, item: 'Camera' | 'Gallery' | 'Document') => {
  await page.getByRole('button', { name: 'Add attachment' }).click()
  await page.getByRole('menuitem', { name: item }).click()
}

async function pickFile(page: Page, item: 'Gallery' | 'Document', file: { name: string; mimeType: string; buffer: Buffer }) {
  const chooser = page.waitForEvent('filechooser')
  await attachMenu(page, item)
  await (await chooser).setFiles(file)
}

const chips = (page: Page) => page.getByRole('list', { name: 'Attachments' })
/** The composer's alert (the layout has alerts of its own). */
const refusal = (page: Page) => page.locator('form').getByRole('alert')

/** What a player does with a MediaRecorder WebM (no duration in its header): seek to the end once. */
async function playableDuration(video: Locator): Promise<number> {
  return video.evaluate(async (el: HTMLVideoElement) => {
    if (el.readyState < 1) await new Promise((r) => el.addEventListener('loadedmetadata', r, { once: true }))
    if (!Number.isFinite(el.duration)) {
      const changed = new Promise((r) => el.addEventListener('durationchange', r, { once: true }))
      el.currentTime = 1e9
      await changed
      el.currentTime = 0
    }
    return el.duration
  })
}

test('the agent takes a photo and records a video, sends both with text and an emoji; the customer sees and plays them', async ({ page, browser }) => {
  test.slow()
  const admin = await apiAs()
  await signIn(page)
  const chat = await openPickedChat(page, browser, admin, 'Paula')

  // Photo: Camera → Take photo → Use Photo.
  await attachMenu(page, 'Camera')
  const camera = page.getByRole('dialog', { name: 'Camera' })
  await expect(camera).toBeVisible()
  await expect(camera.getByRole('button', { name: 'Take photo' })).toBeEnabled()
  await camera.getByRole('button', { name: 'Take photo' }).click()
  await expect(camera.getByRole('img', { name: 'The photo you took' })).toBeVisible()
  await camera.getByRole('button', { name: 'Use Photo' }).click()
  await expect(camera).toBeHidden()
  const photoChip = chips(page).getByRole('listitem').filter({ hasText: /^photo-\d{8}-\d{6}\.jpg/ })
  await expect(photoChip).toBeVisible()
  const photoName = (await photoChip.locator('.name').textContent())!.trim()

  // Video: Camera → Video → Start recording → 2 s → Stop recording → Add video.
  await attachMenu(page, 'Camera')
  await camera.getByRole('button', { name: 'Video', exact: true }).click()
  await expect(camera.getByRole('button', { name: 'Start recording' })).toBeEnabled()
  await camera.getByRole('button', { name: 'Start recording' }).click()
  await expect(camera.getByRole('button', { name: 'Stop recording' })).toBeVisible()
  await expect(camera.getByText('00:02')).toBeVisible()
  await camera.getByRole('button', { name: 'Stop recording' }).click()
  const playback = camera.getByLabel('The video you recorded')
  await expect(playback).toBeVisible()
  await expect.poll(() => playback.evaluate((v: HTMLVideoElement) => v.muted && v.loop && !v.paused)).toBe(true)
  await camera.getByRole('button', { name: 'Add video' }).click()
  await expect(camera).toBeHidden()
  const videoChip = chips(page).getByRole('listitem').filter({ hasText: /^video-\d{8}-\d{6}\.webm/ })
  await expect(videoChip).toContainText('Recorded video')
  const videoName = (await videoChip.locator('.name').textContent())!.trim()

  await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Here is the damage 📷 and a clip 🎬')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(chips(page)).toHaveCount(0)
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText('Here is the damage 📷 and a clip 🎬')
  // Uploaded and sent (the customer's page is open, so it may already be Delivered or Read).
  await expect(log.getByText(/^(Sent|Delivered|Read)$/).last()).toBeVisible({ timeout: 30_000 })
  await expect(log.getByText('Sending…')).toHaveCount(0)

  // The customer: the text, the photo (decoded), the video (a duration; fullscreen available).
  const customer = chat.customer
  await expect(customer.getByText('Here is the damage 📷 and a clip 🎬')).toBeVisible()
  const img = customer.getByRole('img', { name: photoName })
  await expect(img).toBeVisible()
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0)
  await expect(customer.getByRole('button', { name: `Open ${photoName}` })).toBeVisible()
  const video = customer.getByLabel(videoName, { exact: true })
  await expect(video).toBeVisible()
  const duration = await playableDuration(video)
  expect(Number.isFinite(duration) && duration > 0).toBe(true)
  expect(await customer.evaluate(() => document.fullscreenEnabled)).toBe(true)
  await expect(customer.getByRole('button', { name: 'Full screen' })).toBeVisible()
  await chat.context.close()
})

test('a PNG from the gallery is sent without text and the customer sees it', async ({ page, browser }) => {
  const admin = await apiAs()
  await signIn(page)
  const chat = await openPickedChat(page, browser, admin, 'Greta')
  const send = page.getByRole('button', { name: 'Send' })
  await expect(send).toBeDisabled()
  await pickFile(page, 'Gallery', { name: 'receipt.png', mimeType: 'image/png', buffer: PNG })
  await expect(chips(page).getByRole('button', { name: 'Remove receipt.png' })).toBeVisible()
  await expect(chips(page)).toContainText(`${PNG.length} B`)
  await expect(send).toBeEnabled()
  await send.click()
  await expect(chips(page)).toHaveCount(0)
  const img = chat.customer.getByRole('img', { name: 'receipt.png' })
  await expect(img).toBeVisible({ timeout: 30_000 })
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0)
  await chat.context.close()
})

test('a chip can be removed, and the menu works from the keyboard', async ({ page, browser }) => {
  const admin = await apiAs()
  await signIn(page)
  const chat = await openPickedChat(page, browser, admin, 'Kai')
  const plus = page.getByRole('button', { name: 'Add attachment' })
  await plus.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('menuitem', { name: 'Camera' })).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(page.getByRole('menuitem', { name: 'Gallery' })).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowUp')
  await expect(page.getByRole('menuitem', { name: 'Document' })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('menu')).toBeHidden()
  await expect(plus).toBeFocused()

  await pickFile(page, 'Gallery', { name: 'first.png', mimeType: 'image/png', buffer: PNG })
  await pickFile(page, 'Gallery', { name: 'second.png', mimeType: 'image/png', buffer: PNG })
  await expect(chips(page).getByRole('listitem')).toHaveCount(2)
  await page.getByRole('button', { name: 'Remove first.png' }).click()
  await expect(chips(page).getByRole('listitem')).toHaveCount(1)
  await expect(chips(page)).toContainText('second.png')
  await chat.context.close()
})

test('a disallowed type and an oversized file are refused with the rule named, in the app and by the server', async ({ page, browser }) => {
  const admin = await apiAs()
  const before = (await (await admin.get('/api/settings/files')).json()).files as FileRules
  await signIn(page)
  const chat = await openPickedChat(page, browser, admin, 'Rolf')
  try {
    await pickFile(page, 'Document', { name: 'contract.pdf', mimeType: 'application/pdf', buffer: PDF })
    await expect(refusal(page)).toHaveText(`.pdf files are not allowed. Allowed file types: ${before.allowedTypes.join(', ')}.`)
    await expect(chips(page)).toHaveCount(0)

    // The admin lowers the maximum size: the open app applies it at once.
    const put = await admin.put('/api/admin/settings/files', { data: { ...before, maxBytes: 2048, videoRecording: false } })
    expect(put.ok()).toBe(true)
    await expect(async () => {
      await pickFile(page, 'Gallery', { name: 'big.png', mimeType: 'image/png', buffer: BIG_PNG })
      await expect(refusal(page)).toHaveText('“big.png” is 3 KB: the maximum file size is 2 KB.', { timeout: 1000 })
    }).toPass()
    await expect(chips(page)).toHaveCount(0)
    // Video recording turned off: the camera has no video mode.
    await attachMenu(page, 'Camera')
    const camera = page.getByRole('dialog', { name: 'Camera' })
    await expect(camera.getByRole('button', { name: 'Take photo' })).toBeEnabled()
    await expect(camera.getByRole('button', { name: 'Video', exact: true })).toHaveCount(0)
    await camera.getByRole('button', { name: 'Close camera' }).click()
    await expect(camera).toBeHidden()

    // The client check bypassed: the agent's own session uploads straight to the server.
    const url = `/api/conversations/${chat.id}/attachments`
    const pdf = await page.request.post(url, { multipart: { file: { name: 'contract.pdf', mimeType: 'application/pdf', buffer: PDF } } })
    expect(pdf.status()).toBe(415)
    expect((await pdf.json()).error).toMatchObject({ code: expect.any(String), message: expect.any(String) })
    const big = await page.request.post(url, { multipart: { file: { name: 'big.png', mimeType: 'image/png', buffer: BIG_PNG } } })
    expect(big.status()).toBe(413)
    expect((await big.json()).error).toMatchObject({ code: expect.any(String), message: expect.any(String) })
    // The same small PNG is fine.
    const ok = await page.request.post(url, { multipart: { file: { name: 'small.png', mimeType: 'image/png', buffer: PNG } } })
    expect(ok.status()).toBe(201)
  } finally {
    await admin.put('/api/admin/settings/files', { data: before })
    await chat.context.close()
  }
})

test('a recording stops by itself at the admin’s maximum duration', async ({ page, browser }) => {
  const admin = await apiAs()
  const before = (await (await admin.get('/api/settings/files')).json()).files as FileRules
  await signIn(page)
  const chat = await openPickedChat(page, browser, admin, 'Max')
  try {
    expect((await admin.put('/api/admin/settings/files', { data: { ...before, videoRecording: true, maxVideoSeconds: 2 } })).ok()).toBe(true)
    await attachMenu(page, 'Camera')
    const camera = page.getByRole('dialog', { name: 'Camera' })
    await camera.getByRole('button', { name: 'Video', exact: true }).click()
    await expect(camera.getByText('/ 00:02')).toBeVisible()
    await expect(camera.getByRole('button', { name: 'Start recording' })).toBeEnabled()
    await camera.getByRole('button', { name: 'Start recording' }).click()
    // Nobody presses Stop: the review appears on its own.
    await expect(camera.getByRole('button', { name: 'Add video' })).toBeVisible({ timeout: 20_000 })
    await expect(camera.getByRole('button', { name: 'Stop recording' })).toHaveCount(0)
    await camera.getByRole('button', { name: 'Discard video' }).click()
    await expect(camera.getByRole('button', { name: 'Start recording' })).toBeVisible()
    await camera.getByRole('button', { name: 'Close camera' }).click()
    await expect(chips(page)).toHaveCount(0)
  } finally {
    await admin.put('/api/admin/settings/files', { data: before })
    await chat.context.close()
  }
})

/** The agent's app in a browser launched with other camera flags than the suite's. */
async function agentIn(args: string[]) {
  const b = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', ...args] })
  const context = await b.newContext({ ...devices['Pixel 7'], viewport: { width: 390, height: 844 }, baseURL: BASE })
  return { browser: b, page: await context.newPage() }
}

test('camera blocked or missing: a clear message and the file picker instead', async ({ browser }) => {
  test.slow()
  const admin = await apiAs()
  const cases = [
    // The agent answered "Block" to the camera prompt.
    { args: ['--use-fake-device-for-media-stream', '--deny-permission-prompts'], message: /Camera access is blocked/ },
    // A device without a camera (this machine has none; no fake device).
    { args: ['--use-fake-ui-for-media-stream'], message: /No camera was found/ },
  ]
  for (const { args, message } of cases) {
    const agent = await agentIn(args)
    try {
      const page = agent.page
      await signIn(page)
      const chat = await openPickedChat(page, browser, admin, 'Dora')
      await attachMenu(page, 'Camera')
      const camera = page.getByRole('dialog', { name: 'Camera' })
      await expect(camera.getByRole('alert')).toHaveText(message)
      await expect(camera.getByRole('button', { name: 'Take photo' })).toBeDisabled()
      const chooser = page.waitForEvent('filechooser')
      await camera.getByRole('button', { name: 'Choose a file instead' }).click()
      await (await chooser).setFiles({ name: 'instead.png', mimeType: 'image/png', buffer: PNG })
      await expect(camera).toBeHidden()
      await expect(chips(page).getByRole('button', { name: 'Remove instead.png' })).toBeVisible()
      await chat.context.close()
    } finally {
      await agent.browser.close()
    }
  }
})

test('with two cameras, Switch camera changes to the other one', async ({ browser }) => {
  const admin = await apiAs()
  const agent = await agentIn(['--use-fake-device-for-media-stream=device-count=2', '--use-fake-ui-for-media-stream'])
  try {
    const page = agent.page
    await signIn(page)
    const chat = await openPickedChat(page, browser, admin, 'Sven')
    await attachMenu(page, 'Camera')
    const camera = page.getByRole('dialog', { name: 'Camera' })
    await expect(camera.getByRole('button', { name: 'Take photo' })).toBeEnabled()
    const preview = camera.getByLabel('Camera preview')
    const label = () => preview.evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream | null)?.getVideoTracks()[0]?.label ?? '')
    await expect.poll(label).not.toBe('')
    const first = await label()
    await camera.getByRole('button', { name: 'Switch camera' }).click()
    await expect.poll(label).not.toBe(first)
    await expect.poll(label).not.toBe('')
    await expect(camera.getByRole('button', { name: 'Take photo' })).toBeEnabled()
    await camera.getByRole('button', { name: 'Take photo' }).click()
    await camera.getByRole('button', { name: 'Use Photo' }).click()
    await expect(chips(page).getByRole('listitem')).toHaveCount(1)
    await chat.context.close()
  } finally {
    await agent.browser.close()
  }
})
