// The agent's conversation handling, section by section of the product guide, on a phone.
import { expect, test, type Page } from '@playwright/test'
import { apiAs, apiChat, createAgent, createQueue, newDeviceKey, queueByAddress, uid } from './api'
import { iso, mainNav, revealRow, rowOf, signIn, startCustomerChat, swipeDown, swipeLeft, uniqueName } from './helpers'

const openList = async (page: Page, name: 'Conversations' | 'Picklist' | 'History') => {
  await mainNav(page).getByRole('link', { name }).click()
  await expect(page).toHaveURL(new RegExp(`/${name.toLowerCase()}$`))
}

async function pickFromPicklist(page: Page, name: string) {
  await openList(page, 'Picklist')
  await (await revealRow(page, name)).getByRole('button', { name: 'Pick' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

test('lists: rows show name, queue, preview, time and an unread badge that opening clears, across reloads', async ({ page }) => {
  const name = uniqueName('Ulla')
  const chat = await apiChat(name)
  await chat.say('First question')
  await chat.say('Second question')
  await signIn(page)
  await openList(page, 'Picklist')
  const row = await revealRow(page, name)
  await expect(row).toContainText('Support')
  await expect(row).toContainText('Second question')
  await expect(row.getByLabel('2 unread messages')).toBeVisible()
  await row.getByRole('button', { name: 'Pick' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()

  await openList(page, 'Conversations')
  await expect(rowOf(page, name).getByLabel(/unread message/)).toHaveCount(0)
  await chat.say('Are you there?')
  await expect(rowOf(page, name).getByLabel('1 unread message')).toBeVisible()
  await page.reload()
  await expect(rowOf(page, name).getByLabel('1 unread message')).toBeVisible()
  await rowOf(page, name).getByRole('link').first().click()
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText('Are you there?')
  await openList(page, 'Conversations')
  await expect(rowOf(page, name).getByLabel(/unread message/)).toHaveCount(0)
})

test('sort Conversations: the choice is applied and remembered', async ({ page }) => {
  const admin = await apiAs()
  const names = [`Zed ${uid()}`, `Amy ${uid()}`]
  await signIn(page)
  for (const n of names) {
    const c = await apiChat(n)
    await c.say(`hello from ${n}`)
    await admin.post(`/api/conversations/${c.id}/pick`, { data: {} })
  }
  await openList(page, 'Conversations')
  await page.getByRole('button', { name: /^Sort/ }).click()
  await page.getByRole('menuitemradio', { name: 'Customer name' }).click()
  const order = async () => (await page.getByRole('listitem').allTextContents()).map((t) => names.findIndex((n) => t.includes(n))).filter((i) => i >= 0)
  await expect.poll(order).toEqual([1, 0])
  await page.reload()
  await expect(page.getByRole('button', { name: /^Sort/ })).toContainText('Customer name')
  await expect.poll(order).toEqual([1, 0])
  await page.getByRole('button', { name: /^Sort/ }).click()
  for (const option of ['Arrival time', 'Latest message', 'Unread first']) {
    await expect(page.getByRole('menuitemradio', { name: option })).toBeVisible()
  }
  await page.getByRole('menuitemradio', { name: 'Arrival time' }).click()
})

test('two agents race to pick the same conversation: one wins, the other is told clearly', async ({ browser, page }) => {
  const admin = await apiAs()
  const support = await queueByAddress(admin, 'support')
  const agent = await createAgent(admin, `racer${uid()}`, { queueIds: [support!.id] })
  const name = uniqueName('Rita')
  await apiChat(name)

  const other = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
  const otherPage = await other.newPage()
  // The second agent's app has no live updates, so it still shows the row when it taps Pick.
  await otherPage.routeWebSocket(/\/api\/ws/, () => {})
  await signIn(otherPage, { username: agent.username, password: 'agent-pass-1' })
  await openList(otherPage, 'Picklist')
  await revealRow(otherPage, name)

  await signIn(page)
  await pickFromPicklist(page, name)
  await rowOf(otherPage, name).getByRole('button', { name: 'Pick' }).click()
  await expect(otherPage.getByRole('alert')).toContainText(`${name} was already picked by another agent`)
  await expect(rowOf(otherPage, name)).toHaveCount(0)
  await other.close()
})

test('offer routing: Accept, Reject, countdown and timeout; Available and Away', async ({ browser, page }) => {
  const admin = await apiAs()
  const a1 = await createAgent(admin, `olli${uid()}`)
  const a2 = await createAgent(admin, `otto${uid()}`)
  const address = `offers-${uid()}`
  await createQueue(admin, 'Hotline', address, 'offer', [a1.id, a2.id])
  const ctx2 = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
  const page2 = await ctx2.newPage()
  await signIn(page, { username: a1.username, password: 'agent-pass-1' })
  await signIn(page2, { username: a2.username, password: 'agent-pass-1' })

  // Otto steps away: the chat is offered to Olli.
  await page2.getByRole('link', { name: 'Settings' }).click()
  await page2.getByRole('radio', { name: 'Away' }).check()
  const name = uniqueName('Oona')
  await apiChat(name, { address })
  const offer = rowOf(page, name)
  await expect(offer.getByRole('button', { name: 'Accept' })).toBeVisible()
  await expect(offer.getByRole('timer')).toContainText(/\d+\s*s/)
  await offer.getByRole('button', { name: 'Reject' }).click()
  await expect(rowOf(page, name)).toHaveCount(0)

  // Back to Available: Otto gets the offers now. He lets this one time out: nobody is left, it waits in the Picklist.
  await page2.getByRole('radio', { name: 'Available' }).check()
  await openList(page2, 'Conversations')
  await expect(rowOf(page2, name).getByRole('button', { name: 'Accept' })).toBeVisible({ timeout: 5000 })
  await expect(rowOf(page2, name).getByRole('button', { name: 'Accept' })).toBeHidden({ timeout: 15_000 })
  await openList(page2, 'Picklist')
  await revealRow(page2, name)

  // A new chat is offered; Accept opens it.
  const next = uniqueName('Oskar')
  await apiChat(next, { address })
  const holder = await Promise.race([
    rowOf(page, next).getByRole('button', { name: 'Accept' }).waitFor().then(() => page),
    (async () => { await openList(page2, 'Conversations'); await rowOf(page2, next).getByRole('button', { name: 'Accept' }).waitFor(); return page2 })(),
  ])
  await rowOf(holder, next).getByRole('button', { name: 'Accept' }).click()
  await expect(holder.getByRole('heading', { level: 1, name: next })).toBeVisible()
  await ctx2.close()
})

test('swipes: half-swipe shows More and End chat, a full swipe ends (with confirmation); History full swipe opens the action menu', async ({ page }) => {
  const name = uniqueName('Sami')
  const chat = await apiChat(name)
  await chat.say('swipe me')
  await signIn(page)
  await pickFromPicklist(page, name)
  await openList(page, 'Conversations')

  const row = rowOf(page, name)
  await swipeLeft(page, row, 0.35)
  await expect(row.getByRole('button', { name: 'More' })).toBeVisible()
  await expect(row.getByRole('button', { name: 'End chat' })).toBeVisible()
  await row.getByRole('button', { name: 'More' }).click()
  await expect(page.getByRole('menu')).toBeVisible()
  for (const item of ['Customer details', 'Conversation details', 'Conversation history', 'Internal notes', 'Transfer', 'End chat']) {
    await expect(page.getByRole('menuitem', { name: item })).toBeVisible()
  }
  await page.keyboard.press('Escape')
  await expect(page.getByRole('menu')).toBeHidden()

  await swipeLeft(page, rowOf(page, name), 0.9)
  const dialog = page.getByRole('dialog')
  await expect(dialog).toContainText('End chat')
  await dialog.getByRole('button', { name: 'End chat' }).click()
  await expect(rowOf(page, name)).toHaveCount(0)

  await openList(page, 'History')
  await swipeLeft(page, rowOf(page, name), 0.9)
  await expect(page.getByRole('menu')).toBeVisible()
  await expect(page.getByRole('menuitem', { name: 'Transfer' })).toHaveCount(0)
  await expect(page.getByRole('menuitem', { name: 'End chat' })).toHaveCount(0)
  await page.keyboard.press('Escape')

  // Without a gesture: a button on the row, reachable by keyboard, opens the same menu.
  const actions = rowOf(page, name).getByRole('button', { name: `Actions for ${name}` })
  await actions.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('menuitem', { name: 'Customer details' })).toBeVisible()
})

test('action menu: customer and conversation details, history, internal notes, transfer', async ({ browser, page }) => {
  const admin = await apiAs()
  const email = `kim.${uid()}@example.com`
  const name = uniqueName('Kim')
  // Earlier chats show in the history only when they come from the same browser (its device key).
  const deviceKey = newDeviceKey()
  const old = await apiChat(name, { email, phone: '+358 40 555 0101', deviceKey })
  await old.say('my earlier question')
  await admin.post(`/api/conversations/${old.id}/pick`, { data: {} })
  await admin.post(`/api/conversations/${old.id}/end`, { data: {} })
  const customer = await startCustomerChat(browser, name)
  await customer.page.close()
  const chat = await apiChat(name, { email, phone: '+358 40 555 0101', deviceKey })
  await chat.say('new question')

  await signIn(page)
  await openList(page, 'Picklist')
  await (await revealRow(page, 'new question')).getByRole('button', { name: 'Pick' }).click()
  const menu = async (item: string) => {
    await page.getByRole('button', { name: 'More actions' }).click()
    await page.getByRole('menuitem', { name: item }).click()
    const d = page.getByRole('dialog', { name: item })
    await expect(d).toBeVisible()
    return d
  }
  const close = async () => { await page.keyboard.press('Escape'); await expect(page.getByRole('dialog')).toHaveCount(0) }

  const details = await menu('Customer details')
  await expect(details).toContainText(name)
  await expect(details).toContainText(email)
  await expect(details).toContainText('+358 40 555 0101')
  await expect(details.getByRole('textbox')).toHaveCount(0)
  await close()

  const conv = await menu('Conversation details')
  for (const text of ['Source', 'web', 'Destination', 'support', 'Arrival time', 'Ongoing', 'Admin']) await expect(conv).toContainText(text)
  await close()

  const history = await menu('Conversation history')
  await expect(history.getByRole('listitem').filter({ hasText: 'my earlier question' })).toBeVisible()
  await history.getByRole('button', { name: /arrival time/i }).click()
  await history.getByRole('listitem').filter({ hasText: 'my earlier question' }).getByRole('link').click()
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText('my earlier question')
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toHaveCount(0)
  await page.goBack()
  await page.goBack()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()

  const notes = await menu('Internal notes')
  await notes.getByLabel('New note').fill('Prefers email 📧')
  await notes.getByRole('button', { name: 'Save' }).click()
  await notes.getByLabel('New note').fill('Second note')
  await notes.getByRole('button', { name: 'Save' }).click()
  await expect(notes.getByRole('listitem').first()).toContainText('Second note')
  await close()

  const billing = `Billing ${uid()}`
  await createQueue(admin, billing, `billing-${uid()}`, 'picklist', [])
  const transfer = await menu('Transfer')
  await transfer.getByLabel('Queue').selectOption({ label: billing })
  await transfer.getByLabel('Note').fill('Refund question')
  await transfer.getByRole('button', { name: 'Transfer' }).click()
  await expect(page).toHaveURL(/\/conversations$/)
  await expect(rowOf(page, name)).toHaveCount(0)
})

test('the thread: previous conversations on swipe down, message states, typing both ways, in-thread events', async ({ browser, page }) => {
  const email = `tia.${uid()}@example.com`
  const name = uniqueName('Tia')
  const admin = await apiAs()
  const deviceKey = newDeviceKey()
  const old = await apiChat(name, { email, deviceKey })
  await old.say('older conversation text')
  await admin.post(`/api/conversations/${old.id}/pick`, { data: {} })
  await admin.post(`/api/conversations/${old.id}/end`, { data: {} })

  const customer = await startCustomerChat(browser, name, 'support', email, deviceKey)
  await signIn(page)
  await pickFromPicklist(page, name)
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText('Admin\u2069 joined the chat')

  // A real touch pull-down at the top of the thread (the button does the same for keyboards).
  await expect(page.getByRole('button', { name: 'Load previous conversations' })).toBeVisible()
  await swipeDown(page, log)
  await expect(log).toContainText('older conversation text')
  await expect(log.getByRole('separator').first()).toBeVisible()

  await page.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('Typing now', { delay: 30 })
  await expect(customer.page.getByRole('status').filter({ hasText: 'is typing' })).toBeVisible()
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(log.getByText('Read').last()).toBeVisible()

  await customer.page.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('customer typing', { delay: 30 })
  await expect(page.getByRole('status').filter({ hasText: `${name}\u2069 is typing` })).toBeVisible()
  await customer.context.close()
})

test('another device of the same agent follows picks and ends within a second', async ({ browser, page }) => {
  const name = uniqueName('Dina')
  await apiChat(name)
  const second = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const desk = await second.newPage()
  await signIn(desk)
  await openList(desk, 'Conversations')
  await signIn(page)
  await pickFromPicklist(page, name)
  await expect(rowOf(desk, name)).toBeVisible({ timeout: 2000 })
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'End chat' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'End chat' }).click()
  await expect(rowOf(desk, name)).toHaveCount(0, { timeout: 2000 })
  await second.close()
})

test('Settings: notifications, presence and sign out', async ({ page }) => {
  await signIn(page)
  await page.getByRole('link', { name: 'Settings' }).click()
  const notify = page.getByRole('checkbox', { name: /new messages/i })
  const before = await notify.isChecked()
  await notify.click()
  await page.reload()
  await expect(page.getByRole('checkbox', { name: /new messages/i })).toBeChecked({ checked: !before })
  await page.getByRole('checkbox', { name: /new messages/i }).click()
  await page.getByRole('radio', { name: 'Away' }).check()
  await page.reload()
  await expect(page.getByRole('radio', { name: 'Away' })).toBeChecked()
  await page.getByRole('radio', { name: 'Available' }).check()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
})

test('admin: create an agent and a queue; deactivating the agent signs them out at once', async ({ browser, page }) => {
  await signIn(page)
  await page.goto('/admin/agents')
  const username = `newbie${uid()}`
  await page.getByRole('button', { name: 'New agent' }).click()
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Display name').fill(`Newbie ${username}`)
  await page.getByLabel('Password', { exact: true }).fill('newbie-pass-1')
  await page.getByLabel('Support').check()
  await page.getByRole('button', { name: 'Create agent' }).click()
  await expect(page.getByRole('listitem').filter({ hasText: `Newbie ${username}` })).toBeVisible()

  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } })
  const agentPage = await ctx.newPage()
  await signIn(agentPage, { username, password: 'newbie-pass-1' })
  // A chat they hold goes back to Support when they are deactivated, and the list says so.
  const held = await apiChat(`Held ${uid()}`)
  const agentApi = await apiAs(username, 'newbie-pass-1')
  expect((await agentApi.post(`/api/conversations/${held.id}/pick`, { data: {} })).ok()).toBe(true)

  await page.getByRole('button', { name: `Deactivate ${iso(`Newbie ${username}`)}` }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click()
  await expect(agentPage.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 5000 })
  await expect(page.getByRole('listitem').filter({ hasText: `Newbie ${username}` })).toContainText('Deactivated — 1 chat returned to its queue')
  const admin = await apiAs()
  expect((await (await admin.get(`/api/conversations/${held.id}`)).json()).conversation).toMatchObject({ state: 'queued', agentId: null })
  await Promise.all([agentApi.dispose(), admin.dispose()])

  await page.goto('/admin/queues')
  await page.getByRole('button', { name: 'New queue' }).click()
  const address = `q-${uid()}`
  await page.getByLabel('Name').fill('Claims')
  await page.getByLabel('Address').fill(address)
  // Submitted from the keyboard: with many agents the member list pushes the button below the tab bar.
  await page.getByLabel('Address').press('Enter')
  await expect(page.getByRole('listitem').filter({ hasText: address })).toBeVisible()
  await ctx.close()
})
