// The admin's File Type Settings (issue 4): edited in the app, kept across reloads, and applied at
// once to people already chatting (customers and signed-in agents), without reloading.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { apiAs, createAgent, queueByAddress, uid } from './api'
import { signIn, startCustomerChat, uniqueName } from './helpers'

type FileRules = { allowedTypes: string[]; maxBytes: number; videoRecording: boolean; maxVideoSeconds: number }
const DEFAULTS: FileRules = { allowedTypes: ['gif', 'heic', 'jpeg', 'jpg', 'png'], maxBytes: 10 * 1024 * 1024, videoRecording: true, maxVideoSeconds: 60 }

// A real 1x1 GIF, and a PNG header padded to 6 MB (over a 5 MB limit; the client refuses it by size).
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64')
const PNG_6MB = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(6 * 1024 * 1024 - 8)])

let admin: APIRequestContext
test.beforeEach(async () => {
  admin = await apiAs()
  await admin.put('/api/admin/settings/files', { data: DEFAULTS })
})
test.afterEach(async () => {
  await admin.put('/api/admin/settings/files', { data: DEFAULTS })
})

const form = (page: Page) => page.getByRole('form', { name: 'File Type Settings' })
const typeChips = (page: Page) => form(page).getByRole('list', { name: 'Allowed file types' }).getByRole('listitem')

/** Remove gif, add pdf, 5 MB, 30 s; Save. */
async function editRules(page: Page) {
  await page.goto('/admin/agents')
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Files' }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'File Type Settings' })).toBeVisible()
  await expect(typeChips(page)).toHaveText(['gif', 'heic', 'jpeg', 'jpg', 'png'])
  await expect(form(page).getByLabel('Maximum file size (MB)')).toHaveValue('10')
  await expect(form(page).getByRole('switch', { name: 'Allow video recording in the app' })).toBeChecked()
  await expect(form(page).getByLabel('Maximum video duration (seconds)')).toHaveValue('60')

  await form(page).getByRole('button', { name: 'Remove gif' }).click()
  await form(page).getByLabel('Add a file type').fill('.PDF')
  await form(page).getByRole('button', { name: 'Add', exact: true }).click()
  await form(page).getByLabel('Maximum file size (MB)').fill('5')
  await form(page).getByLabel('Maximum video duration (seconds)').fill('30')
  await form(page).getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toContainText('Allowed: heic, jpeg, jpg, pdf, png; up to 5 MB; video recording up to 30 s.')
}

test('the admin edits allowed types and size, saves, and sees them after a reload; bad input is named', async ({ page }) => {
  await signIn(page)
  await editRules(page)
  await page.reload()
  await expect(typeChips(page)).toHaveText(['heic', 'jpeg', 'jpg', 'pdf', 'png'])
  await expect(form(page).getByLabel('Maximum file size (MB)')).toHaveValue('5')
  await expect(form(page).getByLabel('Maximum video duration (seconds)')).toHaveValue('30')
  const saved = (await (await admin.get('/api/settings/files')).json()).files as FileRules
  expect(saved).toEqual({ allowedTypes: ['heic', 'jpeg', 'jpg', 'pdf', 'png'], maxBytes: 5 * 1024 * 1024, videoRecording: true, maxVideoSeconds: 30 })

  // A type that could run script, a duplicate, and an out-of-range size are refused with the reason.
  const add = form(page).getByLabel('Add a file type')
  await add.fill('svg')
  await add.press('Enter')
  await expect(form(page).getByRole('alert')).toHaveText('.svg files can run code in a browser and are never accepted.')
  await add.fill('png')
  await form(page).getByRole('button', { name: 'Add', exact: true }).click()
  await expect(form(page).getByRole('alert')).toHaveText('png is already in the list.')
  await expect(add).toHaveValue('png')
  await add.fill('')
  await form(page).getByLabel('Maximum file size (MB)').fill('500')
  await form(page).getByRole('switch', { name: 'Allow video recording in the app' }).uncheck()
  await form(page).getByRole('button', { name: 'Save' }).click()
  await expect(form(page).getByRole('alert')).toHaveText('Maximum file size: Enter a size from 0.01 to 100 MB.')
  await expect(form(page).getByLabel('Maximum file size (MB)')).toBeFocused()
  await form(page).getByLabel('Maximum file size (MB)').fill('5')
  await form(page).getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toContainText('video recording off')
  expect(((await (await admin.get('/api/settings/files')).json()).files as FileRules).videoRecording).toBe(false)
})

test('a customer already chatting follows the new rules without reloading: a gif and an oversized photo are refused by name', async ({ page, browser }) => {
  const customer = await startCustomerChat(browser, uniqueName('Gina'))
  const c = customer.page
  const pick = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
    const chooser = c.waitForEvent('filechooser')
    await c.getByRole('button', { name: 'Add photo' }).click()
    await (await chooser).setFiles(file)
  }
  // Before: a gif is fine.
  await pick({ name: 'wave.gif', mimeType: 'image/gif', buffer: GIF })
  await expect(c.getByRole('button', { name: 'Remove wave.gif' })).toBeVisible()
  await c.getByRole('button', { name: 'Remove wave.gif' }).click()

  await signIn(page)
  await editRules(page)

  await pick({ name: 'wave.gif', mimeType: 'image/gif', buffer: GIF })
  await expect(c.getByRole('alert')).toHaveText('.gif files are not allowed. Allowed file types: heic, jpeg, jpg, pdf, png.')
  await expect(c.getByRole('list', { name: 'Attachments' })).toHaveCount(0)
  await pick({ name: 'huge.png', mimeType: 'image/png', buffer: PNG_6MB })
  await expect(c.getByRole('alert')).toHaveText('“huge.png” is 6 MB: the maximum file size is 5 MB.')
  // The server says the same when the client's check is bypassed.
  const token = await c.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith('parley.chat.'))![1])
  const res = await c.request.post('/api/public/conversation/attachments', {
    headers: { authorization: `Bearer ${token}` }, multipart: { file: { name: 'wave.gif', mimeType: 'image/gif', buffer: GIF } },
  })
  expect(res.status()).toBe(415)
  await customer.context.close()
})

test('a signed-in agent’s file check follows the new rules at once, without reloading', async ({ page, browser }) => {
  const support = await queueByAddress(admin, 'support')
  const agent = await createAgent(admin, `filer${uid()}`, { queueIds: [support!.id] })
  const name = uniqueName('Fred')
  const customer = await startCustomerChat(browser, name)
  const list = (await (await admin.get('/api/conversations?view=picklist')).json()).conversations as { id: string; customer: { name: string } }[]
  const id = list.find((x) => x.customer.name === name)!.id

  const agentContext = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
  const a = await agentContext.newPage()
  await signIn(a, { username: agent.username, password: 'agent-pass-1' })
  const agentApi = await apiAs(agent.username, 'agent-pass-1')
  expect((await agentApi.post(`/api/conversations/${id}/pick`, { data: {} })).ok()).toBe(true)
  await a.goto(`/conversations/${id}`)
  await expect(a.getByRole('heading', { level: 1, name })).toBeVisible()

  await signIn(page)
  await editRules(page)

  const chooser = a.waitForEvent('filechooser')
  await a.getByRole('button', { name: 'Add attachment' }).click()
  await a.getByRole('menuitem', { name: 'Gallery' }).click()
  await (await chooser).setFiles({ name: 'wave.gif', mimeType: 'image/gif', buffer: GIF })
  await expect(a.locator('form').getByRole('alert')).toHaveText('.gif files are not allowed. Allowed file types: heic, jpeg, jpg, pdf, png.')
  await agentContext.close()
  await customer.context.close()
})
