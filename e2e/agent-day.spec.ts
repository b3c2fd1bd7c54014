// Issue 14 "The agent's day" on a phone: links (7), waiting time (6), missed offers (5),
// canned responses (1), History paging (3), supervisors (4).
import { expect, test, type Page } from '@playwright/test'
import { apiAs, apiChat, createAgent, createQueue, queueByAddress, uid } from './api'
import { signIn } from './helpers'

test.skip(({ viewport }) => (viewport?.width ?? 0) > 500, 'phone flows (desktop ones are in agent-day-workspace.spec.ts)')

/** A chat in Support, picked by the admin, with the customer's messages. */
async function pickedChat(name: string, ...lines: string[]) {
  const admin = await apiAs()
  const chat = await apiChat(name, { email: `${name.split(' ')[0]!.toLowerCase()}.${uid()}@example.com` })
  for (const l of lines) await chat.say(l)
  await admin.post(`/api/conversations/${chat.id}/pick`, { data: {} })
  return { admin, chat }
}

const composer = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true })

test('7. web addresses, emails and phone numbers in messages are links; other schemes stay text', async ({ page }) => {
  const { chat } = await pickedChat(`Lina ${uid()}`, 'See https://example.com/order?id=7 or mail help@example.com, call +49 170 1234567. Not javascript:alert(1)')
  await signIn(page)
  await page.goto(`/conversations/${chat.id}`)
  const web = page.getByRole('link', { name: 'https://example.com/order?id=7' })
  await expect(web).toHaveAttribute('href', 'https://example.com/order?id=7')
  await expect(web).toHaveAttribute('target', '_blank')
  await expect(web).toHaveAttribute('rel', 'noopener noreferrer')
  await expect(page.getByRole('link', { name: 'help@example.com' })).toHaveAttribute('href', 'mailto:help@example.com')
  await expect(page.getByRole('link', { name: '+49 170 1234567' })).toHaveAttribute('href', 'tel:+491701234567')
  await expect(page.locator('a[href^="javascript"]')).toHaveCount(0)
  await expect(page.getByText('Not javascript:alert(1)', { exact: false })).toBeVisible()
})

test('6. rows and the header show the waiting time, coloured past the thresholds; sort "Waiting longest"', async ({ page }) => {
  await page.clock.install()
  const tag = uid()
  const first = await pickedChat(`Olga ${tag}`, 'First question')
  const second = await pickedChat(`Pavel ${tag}`, 'Second question')
  await signIn(page)
  await page.goto('/conversations')
  const olga = page.getByRole('listitem').filter({ hasText: `Olga ${tag}` })
  await expect(olga.getByTestId('waiting')).toHaveText('waiting < 1 min')
  await page.clock.fastForward('03:10')
  await expect(olga.getByTestId('waiting')).toHaveText('waiting 3 min')
  await expect(olga.getByTestId('waiting')).toHaveClass(/warn/)
  await page.clock.fastForward('03:00')
  await expect(olga.getByTestId('waiting')).toHaveClass(/urgent/)

  // Latest message puts Pavel (the newer) first; Waiting longest puts Olga first.
  await second.chat.say('Still there?')
  await page.getByRole('button', { name: /^Sort:/ }).click()
  await page.getByRole('menuitemradio', { name: 'Waiting longest' }).click()
  await expect(page.getByRole('button', { name: 'Sort: Waiting longest' })).toBeVisible()
  const names = page.getByRole('listitem').filter({ hasText: tag })
  await expect(names.first()).toContainText(`Olga ${tag}`)

  await page.goto(`/conversations/${first.chat.id}`)
  await expect(page.locator('header').getByTestId('waiting')).toContainText('waiting')
  // Answered: the waiting time goes.
  await composer(page).fill('On it!')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(page.locator('header').getByTestId('waiting')).toHaveCount(0)
})

test('5. missed offers set the agent Away: the app says why, Available brings them back; the admin sees it', async ({ page, browser }) => {
  test.setTimeout(90_000)
  const admin = await apiAs()
  const name = `miss${uid()}`
  const agent = await createAgent(admin, name, { maxConcurrent: 5 })
  const address = `offers-${uid()}`
  await createQueue(admin, `Offers ${uid()}`, address, 'offer', [agent.id])
  await signIn(page, { username: name, password: 'agent-pass-1' })
  await expect(page.getByTestId('away-banner')).toHaveCount(0)
  // Two offers in a row run out (OFFER_SECONDS is 6 in e2e).
  await (await apiChat(`Ivo ${uid()}`, { address })).say('Hello?')
  await (await apiChat(`Jan ${uid()}`, { address })).say('Anyone?')
  const banner = page.getByTestId('away-banner')
  await expect(banner).toBeVisible({ timeout: 40_000 })
  await expect(banner).toContainText("You're now Away")
  await expect(banner).toContainText('2 offers in a row ran out without an answer')

  // The admin's agent list shows who went Away this way.
  const adminPage = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage()
  await signIn(adminPage)
  await adminPage.goto('/admin/agents')
  await expect(adminPage.getByRole('listitem').filter({ hasText: agent.displayName }).getByTestId('away-missed')).toHaveText('Away: missed offers')

  await page.goto('/settings')
  await expect(page.getByRole('radio', { name: /^Away/ })).toBeChecked()
  await expect(page.getByTestId('away-why')).toBeVisible()
  await banner.getByRole('button', { name: 'Available' }).click()
  await expect(banner).toHaveCount(0)
  await expect(page.getByRole('radio', { name: /^Available/ })).toBeChecked()
  await expect(adminPage.getByRole('listitem').filter({ hasText: agent.displayName }).getByTestId('away-missed')).toHaveCount(0)
  await adminPage.context().close()
})

test('1. canned responses: button and /shortcut insert the text with placeholders filled, never sent; personal in Settings; shared in Admin; offline from the copy', async ({ page, context }) => {
  const admin = await apiAs()
  const tag = uid()
  const res = await admin.post('/api/admin/canned-responses', {
    data: { title: `Refund ${tag}`, shortcut: `refund${tag}`, text: 'Hi {{customer.name}}, {{ agent.name }} here. Order {{order.id}} for {{customer.phone}}', queueIds: null },
  })
  expect(res.status()).toBe(201)
  const { chat } = await pickedChat(`Mira ${tag}`, 'Where is my refund?')
  await signIn(page)
  await page.goto(`/conversations/${chat.id}`)

  await page.getByRole('button', { name: 'Canned responses' }).click()
  const dialog = page.getByRole('dialog', { name: 'Canned responses' })
  await dialog.getByRole('combobox', { name: 'Search canned responses' }).fill(`refund ${tag}`)
  await expect(dialog.getByRole('option', { name: new RegExp(`Refund ${tag}`) })).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(dialog).toHaveCount(0)
  const filled = `Hi Mira ${tag}, Admin here. Order {{order.id}} for {{customer.phone}}`
  await expect(composer(page)).toHaveValue(filled)
  await expect(page.getByText(filled, { exact: true })).toHaveCount(0) // not sent

  // "/" and the shortcut: the chosen text replaces the command.
  await composer(page).fill(`/refund${tag}`)
  await expect(dialog).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(composer(page)).toHaveValue(filled)

  // Offline: the local copy, and it says so.
  await context.setOffline(true)
  await composer(page).fill('')
  await page.getByRole('button', { name: 'Canned responses' }).click()
  await expect(dialog.getByRole('status').filter({ hasText: "You're offline" })).toBeVisible()
  await expect(dialog.getByRole('option', { name: new RegExp(`Refund ${tag}`) })).toBeVisible()
  await page.keyboard.press('Escape')
  await context.setOffline(false)

  // Personal ones in Settings.
  await page.goto('/settings')
  await page.getByRole('button', { name: 'New response' }).click()
  await page.getByLabel('Title').fill(`Thanks ${tag}`)
  await page.getByLabel('Shortcut').fill(`thx${tag}`)
  await page.getByLabel('Text', { exact: true }).fill('Thanks {{customer.name}}!')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('heading', { name: new RegExp(`Thanks ${tag}`) })).toBeVisible()

  // Shared ones in Admin › Canned responses.
  await page.goto('/admin/canned')
  await expect(page.getByRole('heading', { name: 'Canned responses', level: 2 })).toBeVisible()
  await expect(page.getByRole('heading', { name: new RegExp(`Refund ${tag}`) })).toBeVisible()
  await expect(page.getByRole('heading', { name: new RegExp(`Thanks ${tag}`) })).toHaveCount(0)
})

test('3. History pages from the server as the agent scrolls', async ({ page }) => {
  test.setTimeout(120_000)
  const admin = await apiAs()
  const tag = uid()
  // 60 ended chats: more than one page (50); the oldest comes only with the second page.
  for (let i = 0; i < 60; i++) {
    const c = await apiChat(`Hist${String(i).padStart(2, '0')} ${tag}`)
    await admin.post(`/api/conversations/${c.id}/pick`, { data: {} })
    await admin.post(`/api/conversations/${c.id}/end`, { data: {} })
  }
  await signIn(page)
  await page.goto('/history')
  await expect(page.getByRole('listitem').filter({ hasText: `Hist59 ${tag}` })).toBeVisible()
  const oldest = page.getByRole('listitem').filter({ hasText: `Hist00 ${tag}` })
  for (let i = 0; i < 40 && !(await oldest.count()); i++) {
    await page.locator('.scroller').evaluate((el) => el.scrollBy(0, el.clientHeight))
    await page.waitForTimeout(150)
  }
  await expect(oldest).toBeVisible()
})

test('4. supervisors: All open lists every open chat; reassign directly, and take over, with confirmation', async ({ page }) => {
  const admin = await apiAs()
  const tag = uid()
  const support = await queueByAddress(admin, 'support')
  const agent = await createAgent(admin, `sup${tag}`, { queueIds: [support!.id] })
  const chat = await apiChat(`Queued ${tag}`)
  await chat.say('Is anybody there?')
  await signIn(page)
  await page.goto('/admin/open')
  const row = page.getByRole('listitem').filter({ hasText: `Queued ${tag}` })
  await expect(page.getByRole('heading', { name: 'All open', level: 2 })).toBeVisible()
  // Virtualized: scroll the admin area until the row is rendered.
  for (let i = 0; i < 60 && !(await row.count()); i++) {
    await page.locator('.admin-scroll').evaluate((el) => el.scrollBy(0, el.clientHeight * 0.7))
    await page.waitForTimeout(100)
  }
  await row.scrollIntoViewIfNeeded()
  await expect(row).toContainText('Waiting in queue')
  await expect(row.getByTestId('waiting')).toBeVisible()

  await row.getByRole('button', { name: 'Reassign' }).click()
  const dialog = page.getByRole('dialog', { name: new RegExp(`Reassign Queued ${tag}`) })
  await dialog.getByText('Give to an agent directly').click()
  await dialog.getByLabel('Agent', { exact: true }).selectOption({ label: agent.displayName })
  await dialog.getByRole('button', { name: 'Move chat' }).click()
  await expect(dialog).toHaveCount(0)
  await expect(row).toContainText(`With ${agent.displayName}`)

  await row.getByRole('button', { name: 'Take over' }).click()
  const confirm = page.getByRole('alertdialog').or(page.getByRole('dialog', { name: /Take over the chat/ }))
  await confirm.getByRole('button', { name: 'Take over' }).click()
  await expect(row).toContainText('With Admin')

  // The thread records each move.
  const messages = (await (await admin.get(`/api/conversations/${chat.id}/messages`)).json()).messages as { authorKind: string; text: string }[]
  const lines = messages.filter((m) => m.authorKind === 'system').map((m) => m.text).join('\n')
  expect(lines).toMatch(/Reassigned to/)
  expect(lines).toMatch(/took over/)
})
