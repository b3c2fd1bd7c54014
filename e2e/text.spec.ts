// Text in every script, in an English interface: user text keeps its own direction, text boxes
// follow what is typed, and an input method's confirming Enter never sends (issue 13).
// The grapheme-safe push preview is checked on the server (server/src/routes/push/push.test.ts).
import { expect, test, type Locator, type Page } from '@playwright/test'
import { apiAs, apiChat, uid } from './api'
import { ADMIN, signIn, startCustomerChat } from './helpers'

const HEBREW = 'שלום, ההזמנה שלי 4711 לא הגיעה.'
const ENGLISH = 'Hello, my order 4711 did not arrive.'

/** The on-screen box of the first occurrence of `part` inside `el`'s text (a DOM Range). */
async function boxOf(el: Locator, part: string) {
  return el.evaluate((node, part) => {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT)
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const at = t.textContent!.indexOf(part)
      if (at < 0) continue
      const range = document.createRange()
      range.setStart(t, at)
      range.setEnd(t, at + part.length)
      const r = range.getBoundingClientRect()
      return { left: r.left, right: r.right }
    }
    throw new Error(`"${part}" not found`)
  }, part)
}

const direction = (el: Locator) => el.evaluate((node) => getComputedStyle(node).direction)

/**
 * Dispatches what Safari sends when Enter confirms a Japanese conversion: compositionstart,
 * compositionend, then keydown Enter with isComposing false and keyCode 229. With `laterTask`
 * the keydown comes in a task of its own (only keyCode 229 marks it); otherwise in the same task
 * and with keyCode 13 (only its coming right after compositionend marks it).
 */
async function safariImeEnter(box: Locator, laterTask: boolean) {
  const keyCode = await box.evaluate(async (el, laterTask) => {
    el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }))
    el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '今日は' }))
    if (laterTask) await new Promise((r) => setTimeout(r, 20))
    const key = new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: laterTask ? 229 : 13, isComposing: false, bubbles: true, cancelable: true })
    el.dispatchEvent(key)
    return key.keyCode
  }, laterTask)
  expect(keyCode).toBe(laterTask ? 229 : 13)
}

async function expectNotSent(page: Page, box: Locator, log: Locator, text: string) {
  // Give a wrong send every chance to show: the outbox shows a message at once when it is sent.
  await page.waitForTimeout(400)
  await expect(box).toHaveValue(text)
  await expect(log.getByText(text, { exact: true })).toHaveCount(0)
}

test('a Hebrew message lays out right to left in an English interface, an English one left to right, and names keep their order', async ({ page }) => {
  const number = String(1000 + Math.floor(Math.random() * 9000))
  const name = `محمد ${number}`
  const chat = await apiChat(name)
  await chat.say(HEBREW)
  await chat.say(ENGLISH)
  const admin = await apiAs()
  expect((await admin.post(`/api/conversations/${chat.id}/pick`, { data: {} })).ok()).toBe(true)

  await signIn(page)
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr')
  // The list row: the name and the preview keep their own direction.
  const row = page.getByRole('listitem').filter({ hasText: name })
  await expect(row).toBeVisible()
  const rowName = row.locator('.row-name bdi')
  expect(await direction(rowName)).toBe('rtl')
  // A new Hebrew message live in the row's preview: its full stop at its left end, not after it.
  await chat.say(HEBREW)
  const preview = row.locator('.row-preview')
  await expect(preview).toContainText('ההזמנה')
  expect((await boxOf(preview, '.')).right).toBeLessThanOrEqual((await boxOf(preview, 'שלום')).left + 0.5)

  await page.goto(`/conversations/${chat.id}`)
  const log = page.getByRole('log', { name: 'Messages' })
  const hebrew = log.locator('.text', { hasText: 'ההזמנה' }).first()
  const english = log.locator('.text', { hasText: 'my order' })
  await expect(hebrew).toBeVisible()
  await expect(hebrew).toHaveAttribute('dir', 'auto')
  expect(await direction(hebrew)).toBe('rtl')
  expect(await direction(english)).toBe('ltr')
  // The full stop sits at the left end, after (to the left of) everything else; the first word at the right.
  const stop = await boxOf(hebrew, '.')
  const first = await boxOf(hebrew, 'שלום')
  const num = await boxOf(hebrew, '4711')
  expect(stop.right).toBeLessThanOrEqual(num.left + 0.5)
  expect(num.right).toBeLessThanOrEqual(first.left + 0.5)
  // The English one: the full stop at the right end.
  expect((await boxOf(english, '.')).left).toBeGreaterThanOrEqual((await boxOf(english, 'Hello')).right)

  // The header: the Arabic name followed by a number is one right-to-left unit (number to the left of the name).
  const title = page.getByRole('heading', { level: 1, name })
  await expect(title).toBeVisible()
  const titleText = title.locator('bdi')
  expect(await direction(titleText)).toBe('rtl')
  expect((await boxOf(titleText, number)).right).toBeLessThanOrEqual((await boxOf(titleText, 'محمد')).left + 0.5)

  // The message box follows what is typed.
  const box = page.getByRole('textbox', { name: 'Message', exact: true })
  await expect(box).toHaveAttribute('dir', 'auto')
  expect(await box.evaluate((el) => el.matches(':dir(ltr)'))).toBe(true)
  await box.pressSequentially('שלום', { delay: 20 })
  await expect.poll(() => box.evaluate((el) => el.matches(':dir(rtl)'))).toBe(true)
  await box.fill('Hello')
  await expect.poll(() => box.evaluate((el) => el.matches(':dir(ltr)'))).toBe(true)
})

test("the Safari order of composition events does not send, on the customer's page and in the agent's composer", async ({ browser }) => {
  // The customer's page: Enter always sends there.
  const name = `Kenji ${uid()}`
  const customer = await startCustomerChat(browser, name)
  const cBox = customer.page.getByRole('textbox', { name: 'Message', exact: true })
  const cLog = customer.page.getByRole('log', { name: 'Messages' })
  await cBox.fill('今日は')
  await safariImeEnter(cBox, true)
  await expectNotSent(customer.page, cBox, cLog, '今日は')
  await safariImeEnter(cBox, false)
  await expectNotSent(customer.page, cBox, cLog, '今日は')
  await cBox.press('Enter')
  await expect(cLog.getByText('今日は', { exact: true })).toBeVisible()
  await expect(cBox).toHaveValue('')

  // The agent's composer with a fine pointer (Enter sends on desktop).
  const admin = await apiAs()
  const picklist = (await (await admin.get('/api/conversations?view=picklist')).json()).conversations as { id: string; customer: { name: string } }[]
  const id = picklist.find((c) => c.customer.name === name)?.id
  expect(id).toBeTruthy()
  expect((await admin.post(`/api/conversations/${id}/pick`, { data: {} })).ok()).toBe(true)

  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false })
  const page = await desk.newPage()
  await signIn(page, ADMIN)
  await page.goto(`/conversations/${id}`)
  const box = page.getByRole('textbox', { name: 'Message', exact: true })
  const log = page.getByRole('log', { name: 'Messages' })
  await box.fill('少々お待ちください')
  await safariImeEnter(box, true)
  await expectNotSent(page, box, log, '少々お待ちください')
  await safariImeEnter(box, false)
  await expectNotSent(page, box, log, '少々お待ちください')
  await box.press('Enter')
  await expect(log.getByText('少々お待ちください', { exact: true })).toBeVisible()
  await expect(box).toHaveValue('')
  await expect(customer.page.getByRole('log', { name: 'Messages' }).getByText('少々お待ちください', { exact: true })).toBeVisible()
  await desk.close()
  await customer.context.close()
})
