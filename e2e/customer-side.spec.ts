import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { apiAs, apiChat, createAgent, createQueue, uid } from './api'
import { revealRow, send, signIn, startCustomerChat, uniqueName } from './helpers'

/** The admin's user id (a member of the queues these tests make, so the admin app sees them). */
async function adminId(admin: Awaited<ReturnType<typeof apiAs>>): Promise<string> {
  return ((await (await admin.get('/api/auth/me')).json()).user as { id: string }).id
}

test('outside opening hours the page says when it opens (in the customer’s zone) and the message waits in the Picklist', async ({ browser, page }) => {
  const admin = await apiAs()
  const address = `night-${uid()}`
  const queue = await createQueue(admin, 'Night desk', address, 'picklist', [await adminId(admin)])
  // Open only on the day after tomorrow (UTC), 09:00–17:00: closed now, whatever the time.
  const openDay = (new Date().getUTCDay() + 6 + 2) % 7
  const week: { from: string; to: string }[][] = [[], [], [], [], [], [], []]
  week[openDay] = [{ from: '09:00', to: '17:00' }]
  expect((await admin.patch(`/api/admin/queues/${queue.id}`, { data: { openingHours: { timeZone: 'UTC', week } } })).ok()).toBe(true)
  const opensAt = ((await (await admin.get(`/api/public/queues/${address}`)).json()).queue as { opensAt: number }).opensAt

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, timezoneId: 'America/New_York', locale: 'en-US' })
  const customer = await context.newPage()
  await customer.goto(`/chat/${address}`)
  // The day it opens, in New York time (the UTC opening is 04:00 or 05:00 there).
  const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: 'America/New_York' }).format(opensAt)
  const notice = customer.getByText(/We're closed right now and open again on/)
  await expect(notice).toBeVisible()
  await expect(notice).toContainText(weekday)
  await expect(notice).toContainText(/[45]:00\sAM/)
  await expect(notice).toContainText(/EST|EDT/)
  const name = uniqueName('Nora Night')
  await customer.getByLabel('Name').fill(name)
  await customer.getByRole('button', { name: 'Start chat' }).click()
  await send(customer, 'Anyone there at night?')
  await expect(customer.getByRole('log', { name: 'Messages' })).toContainText('Anyone there at night?')
  await expect(customer.getByText(/We're closed right now/)).toBeVisible()

  await signIn(page)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Picklist' }).click()
  const row = await revealRow(page, name)
  await expect(row).toContainText('Anyone there at night?')
  await context.close()
})

test('the place in line counts down as chats ahead are picked', async ({ browser }) => {
  const admin = await apiAs()
  const address = `line-${uid()}`
  const agent = await createAgent(admin, `liner${uid()}`)
  const queue = await createQueue(admin, 'Line desk', address, 'picklist', [agent.id, await adminId(admin)])
  const ahead = [await apiChat('First', { address }), await apiChat('Second', { address })]
  const customer = await startCustomerChat(browser, uniqueName('Third'), address)
  const line = customer.page.getByTestId('queue-position')
  await expect(line).toContainText("You're number 3 in line.")
  // No estimate yet: the queue has no history.
  await expect(line).not.toContainText('Estimated wait')
  await admin.post(`/api/conversations/${ahead[0]!.id}/pick`, { data: {} })
  await expect(line).toContainText("You're number 2 in line.")
  await admin.post(`/api/conversations/${ahead[1]!.id}/pick`, { data: {} })
  await expect(line).toContainText("You're next in line.")
  expect(queue.id).toBeTruthy()
  await customer.context.close()
})

test('the customer sees Read once the agent opens the chat; after End the transcript downloads and the rating reaches the admin', async ({ browser, page }) => {
  const name = uniqueName('Rita Receipt')
  const customer = await startCustomerChat(browser, name)
  await send(customer.page, 'Is my order on its way?')
  const log = customer.page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText('Is my order on its way?')

  await signIn(page)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Picklist' }).click()
  const row = await revealRow(page, name)
  await row.getByRole('button', { name: 'Pick' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await expect(log.getByText('Read', { exact: true })).toBeVisible()

  await send(page, 'Yes, it ships today.')
  await expect(log).toContainText('Yes, it ships today.')
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'End chat' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'End chat' }).click()
  await expect(customer.page.getByText('The chat has ended.')).toBeVisible()

  // The transcript.
  const [download] = await Promise.all([
    customer.page.waitForEvent('download'),
    customer.page.getByRole('button', { name: 'Download transcript' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^chat-\d{4}-\d\d-\d\d-[0-9a-f]{8}\.txt$/)
  const text = readFileSync(await download.path(), 'utf8')
  expect(text).toContain('Chat with Support')
  expect(text).toContain(`${name}:\n  Is my order on its way?`)
  expect(text).toContain('Admin:\n  Yes, it ships today.')

  // The rating: 4 stars and a comment.
  await customer.page.getByRole('radio', { name: '4 stars' }).check()
  const comment = `Quick answer ${Math.random().toString(36).slice(2, 7)}`
  await customer.page.getByLabel('Comment (optional)').fill(comment)
  await customer.page.getByRole('button', { name: 'Send rating' }).click()
  await expect(customer.page.getByText('Thank you for your feedback!')).toBeVisible()

  await page.goto('/admin/queues')
  const ratings = page.getByRole('region', { name: 'Customer ratings' })
  await expect(ratings.getByText(comment)).toBeVisible()
  await expect(ratings.getByTestId('ratings-agent').getByRole('row', { name: /Admin/ })).toBeVisible()
  await expect(ratings.getByTestId('ratings-queue').getByRole('row', { name: /Support/ })).toBeVisible()
  await customer.context.close()
})
