// Push notifications in the built app's service worker. Headless Chromium has no push service, so
// pushes are delivered to the registered worker through the DevTools protocol
// (ServiceWorker.deliverPushMessage), the way a push service would hand them over.
import { expect, test, type BrowserContext, type Page, type Worker } from '@playwright/test'
import type { PushPayload } from '../server/src/api-types'
import { apiAs, apiChat, BASE, createAgent, createQueue, uid } from './api'
import { signIn } from './helpers'

test.describe.configure({ mode: 'serial' })

let agent: { id: string; username: string }
let address: string

test.beforeAll(async () => {
  const admin = await apiAs()
  agent = await createAgent(admin, `pusher${uid()}`)
  address = `push-${uid()}`
  await createQueue(admin, 'Push hotline', address, 'offer', [agent.id])
  await admin.dispose()
})

/** Signs the agent in, waits for the service worker, allows notifications: returns a pusher. */
async function setUp(page: Page, context: BrowserContext, signInFirst = true) {
  // Allowed before the worker starts: a grant made later may not have reached it yet.
  await context.grantPermissions(['notifications'], { origin: BASE })
  if (signInFirst) await signIn(page, { username: agent.username, password: 'agent-pass-1' })
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  // A page whose load raced the worker's activation stays uncontrolled: load it again.
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload()
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)

  const cdp = await context.newCDPSession(page)
  const registrations = new Map<string, string>()
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: list }) => {
    for (const r of list) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId)
  })
  await cdp.send('ServiceWorker.enable')
  await expect.poll(() => registrations.get(`${BASE}/`)).toBeTruthy()
  const registrationId = registrations.get(`${BASE}/`)!
  const worker: Worker = context.serviceWorkers().find((w) => w.url().startsWith(BASE)) ?? (await context.waitForEvent('serviceworker'))

  // Counts the notifications the worker has finished showing. Chromium's getNotifications()
  // drops entries it reads while they are still being shown, so the list is read only after.
  await worker.evaluate(() => {
    const sw = globalThis as any
    const reg = sw.registration
    const show = reg.showNotification.bind(reg)
    sw.__shown = 0
    reg.showNotification = async (...args: unknown[]) => {
      await show(...args)
      sw.__shown++
    }
  })
  const shownCount = () => worker.evaluate(() => (globalThis as any).__shown as number)

  return {
    /** Delivers a push as the push service would, and waits until its notification is shown. */
    async push(payload: PushPayload) {
      const before = await shownCount()
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: BASE, registrationId, data: JSON.stringify(payload) })
      await expect.poll(shownCount).toBeGreaterThan(before)
    },
    worker,
  }
}

/** The notifications the worker's registration holds. */
function shownNotifications(worker: Worker) {
  return worker.evaluate(async () => {
    const sw = globalThis as any
    const list: Notification[] = await sw.registration.getNotifications()
    return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as Record<string, unknown> }))
  })
}

/**
 * A click on the notification (or one of its buttons). Neither the DevTools protocol nor the page
 * can click a system notification, so the worker's own `notificationclick` listener gets a
 * NotificationEvent for the real notification the push showed.
 */
async function click(worker: Worker, tag: string, action = '') {
  await worker.evaluate(async ({ tag, action }) => {
    const sw = globalThis as any
    const [notification] = await sw.registration.getNotifications({ tag })
    if (!notification) throw new Error(`no notification tagged ${tag}`)
    sw.dispatchEvent(new sw.NotificationEvent('notificationclick', { notification, action }))
  }, { tag, action })
}

/** A chat in the offer queue, offered to the agent (OFFER_SECONDS is 6 here: be quick). */
async function offeredChat(name: string) {
  const chat = await apiChat(name, { address })
  const me = await apiAs(agent.username, 'agent-pass-1')
  await expect.poll(async () => (await (await me.get(`/api/conversations/${chat.id}`)).json()).conversation.offeredTo).toBe(agent.id)
  return { chat, me }
}

test('a message push shows one notification per conversation with the count; a click opens the conversation', async ({ page, context }) => {
  const { push, worker } = await setUp(page, context)
  const { chat, me } = await offeredChat(`Mia ${uid()}`)
  expect((await me.post(`/api/conversations/${chat.id}/accept`, { data: {} })).ok()).toBe(true)

  await push({ kind: 'message', conversationId: chat.id, title: 'Mia', body: 'Is my order on its way?' })
  await expect.poll(() => shownNotifications(worker)).toEqual([
    { title: 'Mia', body: 'Is my order on its way?', tag: `conv-${chat.id}`, data: expect.objectContaining({ conversationId: chat.id, kind: 'message', count: 1 }) },
  ])
  await push({ kind: 'message', conversationId: chat.id, title: 'Mia', body: 'Hello?' })
  await expect.poll(async () => (await shownNotifications(worker)).map((n) => n.body)).toEqual(['2 new messages'])

  // An unreadable push still shows something (no silent pushes).
  await push({ kind: 'nonsense' } as unknown as PushPayload)
  await expect.poll(async () => (await shownNotifications(worker)).map((n) => n.title)).toContain('Parley')

  await page.goto('/history')
  await click(worker, `conv-${chat.id}`)
  await expect(page).toHaveURL(`${BASE}/conversations/${chat.id}`)
  await expect.poll(async () => (await shownNotifications(worker)).map((n) => n.tag)).not.toContain(`conv-${chat.id}`)
  await me.dispose()
})

test('Accept on an offer notification picks the conversation and opens it', async ({ page, context }) => {
  const { push, worker } = await setUp(page, context)
  const { chat, me } = await offeredChat(`Otto ${uid()}`)

  await push({ kind: 'offer', conversationId: chat.id, title: 'Otto', body: 'New chat in Push hotline', expiresAt: Date.now() + 6000 })
  await expect.poll(async () => (await shownNotifications(worker)).find((n) => n.tag === `conv-${chat.id}`)?.data.kind).toBe('offer')

  await click(worker, `conv-${chat.id}`, 'accept')
  await expect.poll(async () => {
    const { conversation } = await (await me.get(`/api/conversations/${chat.id}`)).json()
    return [conversation.state, conversation.agentId]
  }).toEqual(['picked', agent.id])
  await expect(page).toHaveURL(`${BASE}/conversations/${chat.id}`)
  await me.dispose()
})

test('Reject on an offer notification declines it without opening anything', async ({ page, context }) => {
  const { push, worker } = await setUp(page, context)
  const { chat, me } = await offeredChat(`Rita ${uid()}`)

  await push({ kind: 'offer', conversationId: chat.id, title: 'Rita', body: 'New chat in Push hotline', expiresAt: Date.now() + 6000 })
  await expect.poll(async () => (await shownNotifications(worker)).some((n) => n.tag === `conv-${chat.id}`)).toBe(true)
  const before = page.url()
  await click(worker, `conv-${chat.id}`, 'reject')
  // Nobody else is in the queue: declined, it waits there.
  await expect.poll(async () => (await (await me.get(`/api/conversations/${chat.id}`)).json()).conversation.state).toBe('queued')
  expect(page.url()).toBe(before)
  await me.dispose()
})

// Needs the Settings page to mount <PushSettings> and the agent runtime to call
// useOpenFromNotification (see src/features/push/index.ts).
test('Settings: honest state without asking, the device list, and a click routes the open app without a reload', async ({ page, context }) => {
  const me = await apiAs(agent.username, 'agent-pass-1')
  const fakeKey = `B${'A'.repeat(86)}`
  const made = await me.post('/api/push/devices', {
    data: { name: 'Old tablet', subscription: { endpoint: `https://push.invalid/${uid()}`, keys: { p256dh: fakeKey, auth: 'A'.repeat(22) } } },
  })
  expect(made.status()).toBe(201)

  await signIn(page, { username: agent.username, password: 'agent-pass-1' })
  await page.goto('/settings')
  const section = page.getByRole('region', { name: 'Push notifications' })
  await expect(section).toContainText('Off on this device.')
  expect(await page.evaluate(() => Notification.permission)).toBe('default') // never asked on load
  const enable = section.getByRole('button', { name: 'Enable notifications' })
  expect((await enable.boundingBox())!.height).toBeGreaterThanOrEqual(44)

  await section.getByRole('button', { name: 'Remove Old tablet' }).click()
  await expect(section.getByRole('button', { name: 'Remove Old tablet' })).toHaveCount(0)
  await section.getByRole('button', { name: 'Send test notification' }).click()
  await expect(section.getByRole('status')).toHaveText('No device gets notifications yet: turn them on first.')

  // Without a push service the subscription can't be made: said so, not hidden.
  await context.grantPermissions(['notifications'], { origin: BASE })
  await enable.click()
  await expect(section.getByRole('alert')).toContainText("couldn't set up push notifications")

  // A notification click while Parley is open: the app routes itself (no reload).
  const { push, worker } = await setUp(page, context, false)
  const { chat } = await offeredChat(`Zed ${uid()}`)
  expect((await me.post(`/api/conversations/${chat.id}/accept`, { data: {} })).ok()).toBe(true)
  await push({ kind: 'message', conversationId: chat.id, title: 'Zed', body: 'Hi' })
  await expect.poll(async () => (await shownNotifications(worker)).map((n) => n.tag)).toContain(`conv-${chat.id}`)
  await page.evaluate(() => {
    ;(window as any).__sameDocument = true
  })
  await click(worker, `conv-${chat.id}`)
  await expect(page).toHaveURL(`${BASE}/conversations/${chat.id}`)
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true)
  await me.dispose()
})
