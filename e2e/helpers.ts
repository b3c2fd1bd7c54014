import { expect, type Browser, type Page } from '@playwright/test'

export const ADMIN = { username: 'admin', password: 'e2e-admin-pass' }

export async function signIn(page: Page, user = ADMIN) {
  await page.goto('/login')
  await page.getByLabel('Username').fill(user.username)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
}

/** A customer in their own browser context starts a chat at /chat/<address>. */
export async function startCustomerChat(browser: Browser, name: string, address = 'support') {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
  const page = await context.newPage()
  await page.goto(`/chat/${address}`)
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Start chat' }).click()
  await expect(page.getByLabel('Message')).toBeVisible()
  return { context, page }
}

export async function send(page: Page, text: string) {
  await page.getByLabel('Message').fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

export const uniqueName = (base: string) => `${base} ${Math.random().toString(36).slice(2, 7)}`
