import { expect, test } from '@playwright/test'
import { iso, revealRow, send, signIn, startCustomerChat, uniqueName } from './helpers'

test('a web chat answered end to end: customer asks, agent picks, replies and ends', async ({ browser, page }) => {
  const name = uniqueName('Carla')
  const customer = await startCustomerChat(browser, name)
  await send(customer.page, 'Hello')
  const customerLog = customer.page.getByRole('log', { name: 'Messages' })
  await expect(customerLog).toContainText('Hello')
  await expect(customer.page.getByText('Waiting for an agent')).toBeVisible()

  await signIn(page)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Picklist' }).click()
  const row = await revealRow(page, name)
  await expect(row).toContainText('Hello')
  await expect(row).toContainText('Support')
  await row.getByRole('button', { name: 'Pick' }).click()

  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  const agentLog = page.getByRole('log', { name: 'Messages' })
  await expect(agentLog).toContainText('Hello')
  await send(page, 'Hi! 😊')
  await expect(agentLog).toContainText('Hi! 😊')
  // Sent, or already Delivered / Read: the customer's page is open.
  await expect(agentLog.getByText(/^(Sent|Delivered|Read)$/).last()).toBeVisible()

  // The customer sees the reply live, with the agent's name.
  await expect(customerLog).toContainText('Hi! 😊')
  await expect(customer.page.getByText(`You're chatting with ${iso('Admin')}`)).toBeVisible()

  // End chat asks first; Cancel keeps the chat going.
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'End chat' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'End chat' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'End chat' }).click()

  await expect(customer.page.getByText('The chat has ended.')).toBeVisible()
  await expect(customer.page.getByRole('textbox', { name: 'Message', exact: true })).toBeHidden()

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click()
  await expect(page.getByRole('listitem').filter({ hasText: name })).toBeVisible()
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click()
  await expect(page.getByRole('listitem').filter({ hasText: name })).toHaveCount(0)
  await customer.context.close()
})

test('wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login')
  await page.getByLabel('Username').fill('admin')
  await page.getByLabel('Password').fill('wrong')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toContainText('Wrong username or password')
})

test('a customer reload resumes the same chat', async ({ browser }) => {
  const name = uniqueName('Resa')
  const customer = await startCustomerChat(browser, name)
  await send(customer.page, 'Still there?')
  await expect(customer.page.getByRole('log', { name: 'Messages' })).toContainText('Still there?')
  await customer.page.reload()
  await expect(customer.page.getByRole('log', { name: 'Messages' })).toContainText('Still there?')
  await customer.context.close()
})

test('an unknown chat address says so', async ({ page }) => {
  await page.goto('/chat/no-such-queue')
  await expect(page.getByText("This chat address doesn't exist")).toBeVisible()
})
