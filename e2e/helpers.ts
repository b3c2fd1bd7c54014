import { expect, type Browser, type Page } from '@playwright/test'

export const ADMIN = { username: 'admin', password: 'e2e-admin-pass' }

export async function signIn(page: Page, user = ADMIN) {
  await page.goto('/login')
  await page.getByLabel('Username').fill(user.username)
  await page.getByLabel('Password', { exact: true }).fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
}

/** A customer in their own browser context starts a chat at /chat/<address>. */
/** A customer's browser starting a chat; `deviceKey` makes it the browser an earlier chat came from. */
export async function startCustomerChat(browser: Browser, name: string, address = 'support', email?: string, deviceKey?: string) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
  if (deviceKey) await context.addInitScript((key) => localStorage.setItem('parley.device', key), deviceKey)
  const page = await context.newPage()
  await page.goto(`/chat/${address}`)
  await page.getByLabel('Name').fill(name)
  if (email) await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Start chat' }).click()
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible()
  return { context, page }
}

export async function send(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

export const uniqueName = (base: string) => `${base} ${Math.random().toString(36).slice(2, 7)}`

/**
 * A real touch swipe (Chromium DevTools touch events, which also fire pointer events), from the
 * element's right edge leftwards by `fraction` of its width.
 */
export async function swipeLeft(page: Page, target: import('@playwright/test').Locator, fraction: number) {
  const box = await target.boundingBox()
  if (!box) throw new Error('nothing to swipe')
  const cdp = await page.context().newCDPSession(page)
  const y = box.y + box.height / 2
  const startX = box.x + box.width - 10
  const endX = startX - box.width * fraction
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: startX, y }] })
  const steps = 12
  for (let i = 1; i <= steps; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: startX + ((endX - startX) * i) / steps, y }] })
    await page.waitForTimeout(16)
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

/** The same from the element's left edge rightwards (the swipe toward the start, right to left). */
export async function swipeRight(page: Page, target: import('@playwright/test').Locator, fraction: number) {
  const box = await target.boundingBox()
  if (!box) throw new Error('nothing to swipe')
  const cdp = await page.context().newCDPSession(page)
  const y = box.y + box.height / 2
  const startX = box.x + 10
  const endX = startX + box.width * fraction
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: startX, y }] })
  for (let i = 1; i <= 12; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: startX + ((endX - startX) * i) / 12, y }] })
    await page.waitForTimeout(16)
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

/** A touch swipe downwards on an element (pull to load). */
export async function swipeDown(page: Page, target: import('@playwright/test').Locator, distance = 250) {
  const box = await target.boundingBox()
  if (!box) throw new Error('nothing to swipe')
  const cdp = await page.context().newCDPSession(page)
  const x = box.x + box.width / 2
  const startY = box.y + 20
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y: startY }] })
  for (let i = 1; i <= 12; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: startY + (distance * i) / 12 }] })
    await page.waitForTimeout(16)
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

export const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' })
export const rowOf = (page: Page, name: string) => page.getByRole('listitem').filter({ hasText: name })

/**
 * Lists are virtualized: only rows near the viewport are in the DOM. Scroll the list from the
 * top until the row with this text is rendered.
 */
export async function revealRow(page: Page, name: string) {
  const row = rowOf(page, name)
  await page.locator('main ul').first().waitFor()
  const scroll = (first: boolean) => page.evaluate((top) => {
    let el: HTMLElement | null = document.querySelector('main ul')
    while (el && !(el.scrollHeight > el.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(el).overflowY))) el = el.parentElement
    if (!el) return false
    const before = el.scrollTop
    if (top) el.scrollTop = 0
    else el.scrollBy(0, el.clientHeight * 0.7)
    return top || el.scrollTop !== before
  }, first)
  await scroll(true)
  for (let i = 0; i < 60; i++) {
    if (await row.count()) return row
    await page.waitForTimeout(50)
    if (!(await scroll(false))) break
  }
  await expect(row).toBeVisible()
  return row
}

/** User text inside a translated sentence (an aria-label, a status) is isolated: FSI … PDI (isolate() in src/shared/i18n). */
export const iso = (text: string) => `\u2068${text}\u2069`
