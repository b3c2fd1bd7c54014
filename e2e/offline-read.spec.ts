// Offline reading (issue 5): with the app loaded once, it opens without a network on the last data it
// had, says it is offline, and catches up when the network is back. Wiped local data reloads.
import { chromium, expect, test, type Page } from '@playwright/test'
import { apiAs, apiChat, createAgent, createQueue, uid } from './api'
import { mainNav, revealRow, rowOf, signIn } from './helpers'

const offlineBanner = (page: Page) => page.getByRole('status').filter({ hasText: "You're offline" })
const thread = (page: Page) => page.getByRole('log', { name: 'Messages' })

/** An agent alone in a new picklist queue, with one chat picked (and a message in it) and one waiting. */
async function setup() {
  const admin = await apiAs()
  const username = `reader${uid()}`
  const agent = await createAgent(admin, username)
  const address = `offline-${uid()}`
  await createQueue(admin, 'Offline desk', address, 'picklist', [agent.id])
  const picked = await apiChat(`Olga ${uid()}`, { address })
  const waiting = await apiChat(`Walt ${uid()}`, { address })
  await picked.say('My parcel never arrived')
  await waiting.say('Anyone there?')
  const agentApi = await apiAs(username, 'agent-pass-1')
  const res = await agentApi.post(`/api/conversations/${picked.id}/pick`, { data: {} })
  expect(res.ok()).toBe(true)
  return { agent: { username, password: 'agent-pass-1' }, picked, waiting, pickedName: await nameOf(agentApi, picked.id), waitingName: await nameOf(agentApi, waiting.id) }
}

async function nameOf(api: Awaited<ReturnType<typeof apiAs>>, id: string): Promise<string> {
  return (await (await api.get(`/api/conversations/${id}`)).json()).conversation.customer.name as string
}

/** The service worker controls the page (so a reload without network gets the app shell). */
async function swControls(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready)
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
}

/** What the app has saved on this device for a conversation (read straight from IndexedDB). */
function cachedTexts(page: Page, conversationId: string) {
  return page.evaluate(
    (id) =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('parley')
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('messages')) return resolve([])
          const req = db.transaction('messages').objectStore('messages').getAll(IDBKeyRange.bound([id, -Infinity], [id, Infinity]))
          req.onsuccess = () => {
            resolve((req.result as { text: string }[]).map((m) => m.text))
            db.close()
          }
        }
        open.onerror = () => resolve([])
      }),
    conversationId,
  )
}

test('offline: the app opens on its last lists and messages, then catches up when the network is back', async ({ page, context }) => {
  const { agent, picked, pickedName, waitingName } = await setup()
  await signIn(page, agent)
  await swControls(page)
  await (await revealRow(page, pickedName)).getByRole('link').first().click()
  await expect(thread(page)).toContainText('My parcel never arrived')
  await expect.poll(() => cachedTexts(page, picked.id)).toContain('My parcel never arrived')
  await expect(offlineBanner(page)).toHaveCount(0)

  await context.setOffline(true)
  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: pickedName })).toBeVisible()
  await expect(thread(page)).toContainText('My parcel never arrived')
  await expect(offlineBanner(page)).toBeVisible()
  await expect(offlineBanner(page)).toContainText("when you're back online")

  // The lists read offline too (the Picklist was never opened: it was saved at the start).
  await mainNav(page).getByRole('link', { name: 'Conversations' }).click()
  await expect(rowOf(page, pickedName)).toBeVisible()
  await mainNav(page).getByRole('link', { name: 'Picklist' }).click()
  await expect(rowOf(page, waitingName)).toBeVisible()
  await expect(page.getByRole('alert')).toHaveCount(0)

  // The customer writes while the agent is offline; back online it shows without a reload.
  await picked.say('Hello? Still waiting')
  await mainNav(page).getByRole('link', { name: 'Conversations' }).click()
  await rowOf(page, pickedName).getByRole('link').first().click()
  await expect(thread(page)).toContainText('My parcel never arrived')
  await expect(thread(page)).not.toContainText('Hello? Still waiting')
  await context.setOffline(false)
  await expect(offlineBanner(page)).toHaveCount(0)
  await expect(thread(page)).toContainText('Hello? Still waiting')
  await expect.poll(() => cachedTexts(page, picked.id)).toContain('Hello? Still waiting')
})

test('wiped local data: deleting the database while signed in, the app loads everything again', async ({ page }) => {
  const { agent, picked, pickedName, waitingName } = await setup()
  await signIn(page, agent)
  await (await revealRow(page, pickedName)).getByRole('link').first().click()
  await expect(thread(page)).toContainText('My parcel never arrived')
  await expect.poll(() => cachedTexts(page, picked.id)).toContain('My parcel never arrived')

  const deleted = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const req = indexedDB.deleteDatabase('parley')
        req.onsuccess = () => resolve('deleted')
        req.onerror = () => resolve('error')
      }),
  )
  expect(deleted).toBe('deleted')
  await picked.say('Written after the wipe')
  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: pickedName })).toBeVisible()
  await expect(thread(page)).toContainText('My parcel never arrived')
  await expect(thread(page)).toContainText('Written after the wipe')
  await expect(offlineBanner(page)).toHaveCount(0)
  await mainNav(page).getByRole('link', { name: 'Picklist' }).click()
  await expect(rowOf(page, waitingName)).toBeVisible()
  // Saved again for offline reading.
  await expect.poll(() => cachedTexts(page, picked.id)).toContain('Written after the wipe')
  expect(await cachedTexts(page, picked.id)).toContain('My parcel never arrived')
})

test('a full disk is shown to the agent, who can dismiss it', async ({ baseURL }, testInfo) => {
  const { agent, pickedName } = await setup()
  // A real profile: an incognito context keeps IndexedDB in memory, outside the quota checked here.
  const use = testInfo.project.use
  const context = await chromium.launchPersistentContext(testInfo.outputPath('profile'), { ...use.launchOptions, baseURL, viewport: use.viewport })
  const page = context.pages()[0] ?? (await context.newPage())
  await page.goto('/login')
  // The browser's own quota, shrunk to nothing: IndexedDB writes fail with QuotaExceededError.
  const cdp = await context.newCDPSession(page)
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 1 })
  await signIn(page, agent)
  await expect(rowOf(page, pickedName)).toBeVisible()
  const alert = page.getByRole('alert').filter({ hasText: "Your phone's storage is full" })
  await expect(alert).toBeVisible()
  await expect(alert).toContainText('Free up space')
  await alert.getByRole('button', { name: 'Dismiss' }).click()
  await expect(alert).toHaveCount(0)
  await context.close()
})
