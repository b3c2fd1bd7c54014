// Issue 14 "The agent's day" on a phone and on a desktop: search (2), paste and drop (8), the
// desktop workspace and keyboard shortcuts (9).
import { expect, test, type Page } from '@playwright/test'
import { apiAs, apiChat, uid } from './api'
import { signIn, startCustomerChat } from './helpers'

const isDesktop = (page: Page) => (page.viewportSize()?.width ?? 0) >= 1024
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true })

async function pickedChat(name: string, ...lines: string[]) {
  const admin = await apiAs()
  const chat = await apiChat(name, { email: `${name.split(' ')[0]!.toLowerCase()}.${uid()}@example.com` })
  for (const l of lines) await chat.say(l)
  await admin.post(`/api/conversations/${chat.id}/pick`, { data: {} })
  return chat
}

/** A real PNG (1×1). */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='

/** Pastes a file into `selector` as the clipboard would (a screenshot). */
async function pasteFile(page: Page, selector: string, name: string, type: string, base64: string) {
  await page.locator(selector).evaluate((el, f) => {
    const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))
    const dt = new DataTransfer()
    dt.items.add(new File([bytes], f.name, { type: f.type }))
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
  }, { name, type, base64 })
}

/** Drops a file on `selector` (dragenter, dragover, drop); answers whether the drop was taken (defaultPrevented). */
async function dropFile(page: Page, selector: string, name: string, type: string, base64: string) {
  return page.locator(selector).first().evaluate((el, f) => {
    const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))
    const dt = new DataTransfer()
    dt.items.add(new File([bytes], f.name, { type: f.type }))
    for (const type of ['dragenter', 'dragover']) el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }))
    const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })
    el.dispatchEvent(drop)
    return drop.defaultPrevented
  }, { name, type, base64 })
}

test('2. search finds a message, opens the conversation at it highlighted; offline it searches this device and says so', async ({ page, context }) => {
  const word = `zorblax${uid()}`
  const chat = await pickedChat(`Sana ${uid()}`, 'Hello', `My parcel ${word} arrived broken`, 'Thanks')
  await signIn(page)
  // Open it once so the device has a copy (for the offline search).
  await page.goto(`/conversations/${chat.id}`)
  await expect(page.getByText(`My parcel ${word} arrived broken`)).toBeVisible()
  await page.goto('/history')
  const search = page.getByRole('searchbox', { name: 'Search' })
  await search.fill(word)
  const results = page.getByRole('list', { name: 'Search results' })
  const hit = results.getByRole('link').filter({ hasText: word })
  await expect(hit).toBeVisible()
  await expect(hit.locator('mark')).toHaveText(word)
  await hit.click()
  await expect(page).toHaveURL(new RegExp(`/conversations/${chat.id}\\?seq=\\d+`))
  await expect(page.locator('[data-search-hit]')).toContainText(word)
  if (isDesktop(page)) await expect(results).toBeVisible() // the list (with its results) stays beside it

  // Offline the app comes from the service worker: wait until it is installed and in control (on the
  // suite's first pages its precache may still be downloading).
  await page.evaluate(() => navigator.serviceWorker.ready)
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
  await context.setOffline(true)
  await page.goto('/conversations').catch(() => undefined)
  await page.getByRole('searchbox', { name: 'Search' }).fill(word)
  await expect(page.getByRole('status').filter({ hasText: "You're offline: these results come from the chats saved on this device." })).toBeVisible()
  await expect(page.getByRole('list', { name: 'Search results' }).getByRole('link').filter({ hasText: word })).toBeVisible()
  await context.setOffline(false)
  await page.getByRole('searchbox', { name: 'Search' }).fill(`nothing${uid()}`)
  await expect(page.getByText(/Nothing found for/)).toBeVisible()
})

test('8. paste or drop a file into the conversation: a chip under the Gallery rules, or the rule that stops it; a drop elsewhere stays in the app', async ({ page, browser }) => {
  const chat = await pickedChat(`Pia ${uid()}`, 'Here is my screenshot')
  await signIn(page)
  await page.goto(`/conversations/${chat.id}`)
  await pasteFile(page, 'textarea[aria-label="Message"]', 'screenshot.png', 'image/png', PNG)
  const chips = page.getByRole('list', { name: 'Attachments' })
  await expect(chips.getByText('screenshot.png')).toBeVisible()
  // A type the rules don't allow: the rule says why, no chip.
  await pasteFile(page, 'textarea[aria-label="Message"]', 'tool.exe', 'application/octet-stream', btoa('MZ'))
  await expect(page.getByRole('alert').filter({ hasText: /tool\.exe|not allowed/ }).first()).toBeVisible()
  await expect(chips.getByText('tool.exe')).toHaveCount(0)
  // Dropped on the conversation.
  expect(await dropFile(page, '.chat', 'photo.png', 'image/png', PNG)).toBe(true)
  await expect(chips.getByText('photo.png')).toBeVisible()
  // Dropped somewhere that takes no files: the browser does not leave the app.
  const url = page.url()
  expect(await dropFile(page, 'nav', 'photo.png', 'image/png', PNG)).toBe(true)
  await page.waitForTimeout(300)
  expect(page.url()).toBe(url)
  // Sent with the message.
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(chips).toHaveCount(0)

  // The customer's message box takes a pasted photo too.
  const customer = await startCustomerChat(browser, `Cora ${uid()}`)
  await pasteFile(customer.page, 'textarea[aria-label="Message"]', 'receipt.png', 'image/png', PNG)
  await expect(customer.page.getByText('receipt.png')).toBeVisible()
  await customer.context.close()
})

test('9. desktop: list and conversation side by side, details in a side panel, keyboard shortcuts; phone: one at a time', async ({ page }) => {
  const tag = uid()
  const a = await pickedChat(`Kai ${tag}`, 'First')
  const b = await pickedChat(`Lea ${tag}`, 'Second')
  await signIn(page)
  await page.goto('/conversations')
  await page.getByRole('listitem').filter({ hasText: `Kai ${tag}` }).getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1, name: `Kai ${tag}` })).toBeVisible()
  const list = page.getByRole('list', { name: 'Conversations' })
  if (!isDesktop(page)) {
    await expect(list).toHaveCount(0)
    return
  }
  await expect(list).toBeVisible()
  await expect(list.getByRole('link', { name: new RegExp(`Kai ${tag}`) })).toHaveAttribute('aria-current', 'page')

  // Shortcuts: ? opens the dialog (not while typing); j/k and Alt+arrows move; / focuses Search.
  await composer(page).focus()
  await page.keyboard.type('?')
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0)
  await composer(page).fill('')
  await page.locator('body').click({ position: { x: 700, y: 20 } })
  await page.keyboard.press('?')
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(help).toBeVisible()
  await expect(help).toContainText('Next conversation')
  await page.keyboard.press('Escape')
  await expect(help).toHaveCount(0)

  const ids = await list.getByRole('link').evaluateAll((els) => els.map((e) => e.getAttribute('href')))
  const at = ids.indexOf(`/conversations/${a.id}`)
  const next = ids[at + 1]
  await page.keyboard.press('Alt+ArrowDown')
  if (next) await expect(page).toHaveURL(new RegExp(`${next}$`))
  await page.keyboard.press('Alt+ArrowUp')
  await expect(page).toHaveURL(new RegExp(`/conversations/${a.id}$`))
  await page.keyboard.press('/')
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeFocused()
  await page.keyboard.press('Escape')
  await page.keyboard.press('Control+k')
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeFocused()

  // Details open in a side panel at the right edge, beside the conversation.
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Customer details' }).click()
  const panel = page.getByRole('dialog', { name: 'Customer details' })
  await expect(panel).toBeVisible()
  const box = (await panel.boundingBox())!
  expect(Math.round(box.x + box.width)).toBeGreaterThanOrEqual(1279)
  expect(box.height).toBeGreaterThan(700)
  expect(b.id).toBeTruthy()
})
