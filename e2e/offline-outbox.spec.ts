// The outbox on a flaky network (issue 5): everything written offline reaches the customer once
// and in order; a cut mid-flush and a 503 change nothing; with the app closed, the service worker
// sends on a Background Sync event.
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { apiAs, uid } from './api'
import { iso, signIn, startCustomerChat } from './helpers'

// A real 8x8 PNG (the server checks magic bytes and makes a thumbnail with sharp).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Fu7N9hAAAAAElFTkSuQmCC',
  'base64',
)

test.describe.configure({ timeout: 150_000 }) // 20 messages through a real upload, on a shared machine

const pad = (n: number) => String(n).padStart(2, '0')

/** A customer (in their own browser) whose chat the admin has picked; the agent app opened on it. */
async function pickedChat(browser: import('@playwright/test').Browser, page: Page) {
  const name = `Olive ${uid()}`
  const customer = await startCustomerChat(browser, name)
  const admin = await apiAs()
  const picklist = (await (await admin.get('/api/conversations?view=picklist')).json()).conversations as { id: string; customer: { name: string } }[]
  const id = picklist.find((c) => c.customer.name === name)!.id
  expect((await admin.post(`/api/conversations/${id}/pick`, { data: {} })).ok()).toBe(true)
  await signIn(page)
  await page.goto(`/conversations/${id}`)
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  // The service worker is installed and controls the page (it is what makes the app work offline).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }))
  })
  return { id, name, customer, admin }
}

/** One message's bubble in the agent's thread (rows have no list semantics: the log is virtualized). */
const bubble = (page: Page, text: string) => page.getByRole('log', { name: 'Messages' }).locator('.bubble-row').filter({ hasText: text })

const composer = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true })

async function write(page: Page, text: string) {
  await composer(page).fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(composer(page)).toHaveValue('')
}

/** The agent's messages as the server stored them, in seq order. */
async function serverTexts(admin: import('@playwright/test').APIRequestContext, id: string, tag: string): Promise<string[]> {
  const res = await admin.get(`/api/conversations/${id}/messages?limit=200`)
  const { messages } = (await res.json()) as { messages: { text: string; authorKind: string; attachments: unknown[] }[] }
  return messages.filter((m) => m.authorKind === 'agent' && m.text.includes(tag)).map((m) => m.text)
}

/** The numbers of this run's messages as the customer's page shows them, top to bottom. */
async function customerSees(customer: Page, tag: string): Promise<string[]> {
  const text = (await customer.getByRole('log', { name: 'Messages' }).textContent()) ?? ''
  return [...text.matchAll(new RegExp(`${tag} (\\d\\d)`, 'g'))].map((m) => m[1]!)
}

async function writeTwentyOffline(page: Page, context: BrowserContext, tag: string, photoAt: number) {
  await context.setOffline(true)
  await expect(page.getByRole('status').filter({ hasText: "You're offline" })).toBeVisible()
  for (let i = 1; i <= 20; i++) {
    const text = `${tag} ${pad(i)}`
    if (i === photoAt) {
      await page.getByRole('button', { name: 'Add attachment' }).click()
      const chooser = page.waitForEvent('filechooser')
      await page.getByRole('menuitem', { name: 'Gallery' }).click()
      await (await chooser).setFiles({ name: `photo-${tag}.png`, mimeType: 'image/png', buffer: PNG })
      await expect(page.getByRole('list', { name: 'Attachments' })).toContainText(`photo-${tag}.png`)
    }
    await write(page, text)
    // Each shows at once as waiting to send.
    await expect(bubble(page, text)).toContainText('Sending…')
  }
}

const expected = Array.from({ length: 20 }, (_, i) => pad(i + 1))

test('20 messages written offline, one with a photo, reach the customer once each and in order', async ({ browser, page, context }) => {
  const { id, customer, admin } = await pickedChat(browser, page)
  const tag = `OB${uid()}`
  await writeTwentyOffline(page, context, tag, 7)
  expect(await serverTexts(admin, id, tag)).toEqual([])

  await context.setOffline(false)
  await expect.poll(() => customerSees(customer.page, tag), { timeout: 30_000 }).toEqual(expected)
  await expect.poll(() => serverTexts(admin, id, tag)).toEqual(expected.map((n) => `${tag} ${n}`))
  // The photo went with its message, as one attachment.
  const { messages } = (await (await admin.get(`/api/conversations/${id}/messages?limit=200`)).json()) as { messages: { text: string; attachments: { name: string }[] }[] }
  expect(messages.find((m) => m.text === `${tag} 07`)?.attachments.map((a) => a.name)).toEqual([`photo-${tag}.png`])
  expect(messages.filter((m) => m.attachments.length).length).toBe(1)
  await expect(customer.page.getByRole('button', { name: `Open photo-${tag}.png` })).toBeVisible()
  // Nothing is left waiting in the agent's thread.
  await expect(page.getByRole('log').getByText('Sending…')).toHaveCount(0)
  await customer.context.close()
})

test('a network cut after the 5th and a 503 on the 10th: still 20, once each, in order', async ({ browser, page, context }) => {
  const { id, customer, admin } = await pickedChat(browser, page)
  const tag = `OC${uid()}`
  let refused = false
  let batches = 0
  // Offline and the cut hold for the service worker too: Chromium's offline emulation covers pages,
  // not the worker, whose Background Sync may send while the page is offline (context.route sees both).
  let cut = true
  // Single sends and batches (the outbox sends the messages queued in a row as one batch).
  await context.route(/\/api\/conversations\/[^/]+\/messages(\/batch)?$/, async (route) => {
    const req = route.request()
    if (req.method() !== 'POST') return route.continue()
    if (cut) return route.abort('internetdisconnected')
    const body = req.postDataJSON() as { text?: string; messages?: { text: string }[] }
    const texts = body.messages?.map((m) => m.text) ?? [body.text ?? '']
    if (body.messages) batches++
    if (texts.includes(`${tag} 10`) && !refused) {
      refused = true
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Service unavailable' } }) })
    }
    const fifth = texts.indexOf(`${tag} 05`)
    if (fifth >= 0) {
      // The network drops as the 5th is acknowledged: the server gets the messages up to it (a
      // batch is cut there), their answer arrives, nothing after it does.
      const postData = body.messages ? JSON.stringify({ messages: body.messages.slice(0, fifth + 1) }) : undefined
      const response = await route.fetch(postData ? { postData } : {})
      cut = true
      await context.setOffline(true)
      return route.fulfill({ response })
    }
    return route.continue()
  })
  await writeTwentyOffline(page, context, tag, 3)

  cut = false
  await context.setOffline(false)
  await expect.poll(() => serverTexts(admin, id, tag)).toEqual(expected.slice(0, 5).map((n) => `${tag} ${n}`))
  await expect(page.getByRole('status').filter({ hasText: "You're offline" })).toBeVisible()
  // Offline again: the rest waits; back online, it all goes.
  expect((await serverTexts(admin, id, tag)).length).toBeLessThan(20)
  cut = false
  await context.setOffline(false)
  await expect.poll(() => serverTexts(admin, id, tag), { timeout: 30_000 }).toEqual(expected.map((n) => `${tag} ${n}`))
  expect(refused).toBe(true)
  expect(batches).toBeGreaterThan(0)
  await expect.poll(() => customerSees(customer.page, tag), { timeout: 15_000 }).toEqual(expected)
  await customer.context.close()
})

test('with the app closed, the service worker sends a queued message on a sync event', async ({ browser, page, context }) => {
  const { id, customer, admin } = await pickedChat(browser, page)
  const tag = `OS${uid()}`
  await context.setOffline(true)
  await write(page, `${tag} 01`)
  await expect(bubble(page, `${tag} 01`)).toContainText('Sending…')
  await page.close()
  expect(await serverTexts(admin, id, tag)).toEqual([])

  await context.setOffline(false)
  // A page of the same origin that doesn't run the app: nothing here can send the message.
  const other = await context.newPage()
  await other.goto('/manifest.webmanifest')
  const cdp = await context.newCDPSession(other)
  const registration = new Promise<{ registrationId: string; scopeURL: string }>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const mine = registrations.find((r) => r.scopeURL.startsWith(new URL(other.url()).origin) && !r.isDeleted)
      if (mine) resolve(mine)
    })
  })
  await cdp.send('ServiceWorker.enable')
  const { registrationId } = await registration
  await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: new URL(other.url()).origin, registrationId, tag: 'parley-outbox', lastChance: false })

  await expect.poll(() => serverTexts(admin, id, tag), { timeout: 20_000 }).toEqual([`${tag} 01`])
  await expect(customer.page.getByRole('log', { name: 'Messages' })).toContainText(`${tag} 01`)
  await customer.context.close()
})

test('offline, a note and End chat are queued after the message before them, and done once back online', async ({ browser, page, context }) => {
  const { id, customer, admin } = await pickedChat(browser, page)
  const tag = `OA${uid()}`
  await context.setOffline(true)
  await write(page, `${tag} 01`)

  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Internal notes' }).click()
  const notes = page.getByRole('dialog', { name: 'Internal notes' })
  await notes.getByLabel('New note').fill(`${tag} note`)
  await notes.getByRole('button', { name: 'Save' }).click()
  await expect(notes.getByRole('list', { name: 'Notes not saved yet' })).toContainText(`${tag} note`)
  await expect(notes.getByRole('list', { name: 'Notes not saved yet' })).toContainText('Waiting to send')
  await notes.getByRole('button', { name: 'Close' }).click()

  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'End chat' }).click()
  await page.getByRole('dialog', { name: 'End chat?' }).getByRole('button', { name: 'End chat' }).click()
  const queued = page.getByRole('dialog', { name: 'End chat queued' })
  await expect(queued).toContainText("Will be done when you're back online.")
  await queued.getByRole('button', { name: 'OK' }).click()
  expect((await (await admin.get(`/api/conversations/${id}`)).json()).conversation.state).toBe('picked')

  await context.setOffline(false)
  // In order: the message, then the note, then End (which would have refused the message).
  await expect.poll(async () => (await (await admin.get(`/api/conversations/${id}`)).json()).conversation.state, { timeout: 30_000 }).toBe('ended')
  expect(await serverTexts(admin, id, tag)).toEqual([`${tag} 01`])
  const stored = (await (await admin.get(`/api/conversations/${id}/notes`)).json()).notes as { text: string }[]
  expect(stored.map((n) => n.text)).toEqual([`${tag} note`])
  await expect(customer.page.getByRole('log', { name: 'Messages' })).toContainText(`${tag} 01`)
  await expect(customer.page.getByRole('log', { name: 'Messages' })).toContainText(`Chat ended by ${iso('Admin')}`)
  await customer.context.close()
})
