// Failure paths with an owner (issue 11): what the device does when the network or IndexedDB is
// not there. A customer's message and photo survive a reload offline and arrive once; a sign-out
// made offline ends the server session (and removes the push device) when the network is back; a
// draft survives a reload 100 ms after typing; a database upgrade blocked by another tab still
// shows the customer's messages and sends the reply.
import { expect, request, test, type BrowserContext, type Page } from '@playwright/test'
import { apiAs, apiChat, BASE, createAgent, uid } from './api'
import { signIn, startCustomerChat } from './helpers'

// A real 8x8 PNG (the server checks magic bytes and makes a thumbnail).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Fu7N9hAAAAAElFTkSuQmCC',
  'base64',
)

test.describe.configure({ timeout: 120_000 })

/** Waits until the app's service worker controls the page (it serves the app offline). */
async function controlled(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }))
  })
}

type ServerMessage = { text: string; clientId: string; authorKind: string; attachments: { name: string }[] }
async function serverMessages(id: string): Promise<ServerMessage[]> {
  const admin = await apiAs()
  const res = await admin.get(`/api/conversations/${id}/messages?limit=200`)
  const { messages } = (await res.json()) as { messages: ServerMessage[] }
  await admin.dispose()
  return messages
}

async function conversationOf(name: string): Promise<string> {
  const admin = await apiAs()
  const list = (await (await admin.get('/api/conversations?view=picklist')).json()).conversations as { id: string; customer: { name: string } }[]
  const id = list.find((c) => c.customer.name === name)!.id
  await admin.dispose()
  return id
}

test('a customer writes a message and a photo offline, the page reloads offline, and the agent gets both once when the network is back', async ({ browser }) => {
  const name = `Nora ${uid()}`
  const { context, page: c } = await startCustomerChat(browser, name)
  await controlled(c)
  const id = await conversationOf(name)
  const tag = `FP${uid()}`

  await context.setOffline(true)
  await c.getByRole('textbox', { name: 'Message', exact: true }).fill(`${tag} written offline`)
  await c.getByRole('button', { name: 'Send' }).click()
  const chooser = c.waitForEvent('filechooser')
  await c.getByRole('button', { name: 'Add photo' }).click()
  await (await chooser).setFiles({ name: `${tag}.png`, mimeType: 'image/png', buffer: PNG })
  await expect(c.getByRole('list', { name: 'Attachments' })).toContainText(`${tag}.png`)
  await c.getByRole('button', { name: 'Send' }).click()
  const log = c.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText(`${tag} written offline`)
  await expect(log.getByText('Sending…')).toHaveCount(2)
  expect(await serverMessages(id)).toEqual([])

  // Still offline, the page reloads (or the phone discarded the tab): nothing is lost.
  await c.reload()
  await expect(c.getByRole('alert')).toContainText('Can’t reach the server')
  const stored = await c.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open('parley')
        req.onsuccess = () => {
          const tx = req.result.transaction('chatOutbox')
          const count = tx.objectStore('chatOutbox').count()
          count.onsuccess = () => resolve(count.result)
          count.onerror = () => reject(count.error)
        }
        req.onerror = () => reject(req.error)
      }),
  )
  expect(stored).toBe(2)

  // The network returns: the error screen retries by itself, and both go, once each, in order.
  await context.setOffline(false)
  await expect(log).toContainText(`${tag} written offline`)
  await expect.poll(async () => (await serverMessages(id)).filter((m) => m.authorKind === 'customer').length, { timeout: 30_000 }).toBe(2)
  await expect(log.getByText('Sending…')).toHaveCount(0)
  const mine = (await serverMessages(id)).filter((m) => m.authorKind === 'customer')
  expect(mine.map((m) => [m.text, m.attachments.map((a) => a.name)])).toEqual([
    [`${tag} written offline`, []],
    ['', [`${tag}.png`]],
  ])
  expect(new Set(mine.map((m) => m.clientId)).size).toBe(2)
  // The agent sees both (the admin picks the chat and opens it).
  await context.close()
})

test('signing out offline ends the server session and removes this push device as soon as the network is back', async ({ page, context }) => {
  const admin = await apiAs()
  const agent = await createAgent(admin, `leaver${uid()}`)
  await admin.dispose()
  await signIn(page, { username: agent.username, password: 'agent-pass-1' })
  // This device gets pushes (headless Chromium has no push service, so the registration is made
  // over the API as the app would, and the app's record of it is written where the app keeps it).
  const deviceId = await page.evaluate(async (endpoint) => {
    const res = await fetch('/api/push/devices', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'My phone', subscription: { endpoint, keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) } } }),
    })
    const { device } = (await res.json()) as { device: { id: string } }
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open('parley')
      req.onsuccess = () => {
        const tx = req.result.transaction('settings', 'readwrite')
        tx.objectStore('settings').put({ key: 'push', value: { enabled: true, deviceId: device.id, deviceName: 'My phone' } })
        tx.oncomplete = () => (req.result.close(), resolve())
        tx.onerror = () => reject(tx.error)
      }
      req.onerror = () => reject(req.error)
    })
    return device.id
  }, `https://push.invalid/${uid()}`)
  await page.reload()
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
  const asOldSession = await request.newContext({ baseURL: BASE, extraHTTPHeaders: { cookie } })
  const devices = async () => {
    const me = await apiAs(agent.username, 'agent-pass-1')
    const list = ((await (await me.get('/api/push/devices')).json()).devices as { id: string }[]).map((d) => d.id)
    await me.dispose()
    return list
  }
  expect(await devices()).toContain(deviceId)

  await page.goto('/settings')
  await context.setOffline(true)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: 'sign-out reaches the server as soon as you' })).toBeVisible()
  // Not claimed before it happened: the server still has the session and the device.
  expect((await asOldSession.get('/api/auth/me')).status()).toBe(200)
  expect(await devices()).toContain(deviceId)

  await context.setOffline(false)
  await expect.poll(async () => (await asOldSession.get('/api/auth/me')).status(), { timeout: 30_000 }).toBe(401)
  expect(await devices()).not.toContain(deviceId)
  await expect(page.getByRole('status').filter({ hasText: 'sign-out reaches the server' })).toHaveCount(0)
  // A reload stays signed out (the old session no longer opens the chats).
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible()
  await asOldSession.dispose()
})

/** The admin picks a chat the customer started over the API, and opens it in the agent app. */
async function openPickedChat(page: Page, text: string) {
  const chat = await apiChat(`Dora ${uid()}`)
  await chat.say(text)
  const admin = await apiAs()
  expect((await admin.post(`/api/conversations/${chat.id}/pick`, { data: {} })).ok()).toBe(true)
  await admin.dispose()
  await signIn(page)
  await page.goto(`/conversations/${chat.id}`)
  return chat
}

test('a draft typed and the page reloaded 100 ms later is still there', async ({ page }) => {
  await openPickedChat(page, 'Hello, anyone there?')
  const box = page.getByRole('textbox', { name: 'Message', exact: true })
  await expect(box).toBeVisible()
  const draft = `Half a thought ${uid()} 🙂`
  await box.fill(draft)
  await page.waitForTimeout(100)
  await page.reload()
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toHaveValue(draft)
})

/** A tab of the old version: the database held open at DB_VERSION - 1, versionchange ignored. */
async function holdOldDatabase(context: BrowserContext) {
  const old = await context.newPage()
  await old.goto('/api/health')
  await old.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        // Version 2's stores, as a released build made them; no onversionchange: it never lets go.
        const req = indexedDB.open('parley', 2)
        req.onupgradeneeded = () => {
          const db = req.result
          db.createObjectStore('outbox', { keyPath: 'clientId' }).createIndex('byConversation', ['conversationId', 'createdAt'])
          db.createObjectStore('drafts', { keyPath: 'conversationId' })
          db.createObjectStore('settings', { keyPath: 'key' })
          db.createObjectStore('conversations', { keyPath: 'id' })
          db.createObjectStore('messages', { keyPath: ['conversationId', 'seq'] })
          db.createObjectStore('notes', { keyPath: 'id' }).createIndex('byConversation', ['conversationId', 'createdAt'])
        }
        req.onsuccess = () => {
          ;(window as unknown as { held: IDBDatabase }).held = req.result
          resolve()
        }
        req.onerror = () => reject(req.error)
      }),
  )
  return old
}

test('with another tab holding an old version of the database open, the conversation shows the customer and the reply is sent', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
  const old = await holdOldDatabase(context)
  const page = await context.newPage()
  const said = `My order never came ${uid()}`
  const chat = await openPickedChat(page, said)

  await expect(page.getByRole('alert').filter({ hasText: 'Close your other Parley tabs' })).toBeVisible()
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText(said)
  await expect(page.getByText('No messages yet')).toHaveCount(0)

  const reply = `Sorry about that, checking now ${uid()}`
  const box = page.getByRole('textbox', { name: 'Message', exact: true })
  await box.fill(reply)
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(log).toContainText(reply)
  await expect.poll(async () => (await serverMessages(chat.id)).filter((m) => m.authorKind === 'agent').map((m) => m.text)).toEqual([reply])
  await expect(box).toHaveValue('')
  await old.close()
  await context.close()
})

