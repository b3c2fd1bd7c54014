import { createECDH, randomBytes, randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { apiAs, createAgent, uid } from './api'
import { iso, signIn } from './helpers'

test('admin: devices with notifications — the limit setting, block and delete', async ({ page }) => {
  const admin = await apiAs()
  const agent = await createAgent(admin, `dev${uid()}`)
  const agentApi = await apiAs(agent.username, 'agent-pass-1')
  const subscribe = (name: string) => agentApi.post('/api/push/devices', {
    data: {
      name,
      subscription: {
        endpoint: `https://push.example.invalid/${randomUUID()}`,
        keys: { p256dh: createECDH('prime256v1').generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') },
      },
    },
  })
  expect((await subscribe('Work phone')).status()).toBe(201)
  expect((await subscribe('Tablet')).status()).toBe(201)

  await signIn(page)
  await page.goto('/admin/devices')
  await expect(page.getByRole('heading', { name: 'Devices', exact: true })).toBeVisible()
  await page.getByLabel('Maximum devices per user').fill('2')
  await page.getByRole('button', { name: 'Save settings' }).click()
  await expect(page.getByRole('status')).toContainText(/saved/i)
  // The agent is at the new limit: a third device is refused, with the number in the message.
  const third = await subscribe('Laptop')
  expect(third.status()).toBe(409)
  expect((await third.json()).error.message).toContain('at most 2 devices')

  await page.getByRole('button', { name: `Block ${iso('Work phone')} of ${iso(agent.displayName)}` }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Block' }).click()
  await expect(page.getByRole('button', { name: `Unblock ${iso('Work phone')} of ${iso(agent.displayName)}` })).toBeVisible()
  // Blocking signed that device's session out.
  expect((await agentApi.get('/api/auth/me')).status()).toBe(401)

  await page.getByRole('button', { name: `Delete ${iso('Tablet')} of ${iso(agent.displayName)}` }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByRole('button', { name: `Delete ${iso('Tablet')} of ${iso(agent.displayName)}` })).toHaveCount(0)
  await page.getByLabel('Maximum devices per user').fill('3')
  await page.getByRole('button', { name: 'Save settings' }).click()
})
