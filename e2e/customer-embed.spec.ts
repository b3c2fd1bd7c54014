import { createServer, type Server } from 'node:http'
import { createHmac, randomUUID } from 'node:crypto'
import { expect, test, type Page } from '@playwright/test'
import { apiAs, BASE, queueByAddress } from './api'
import { uniqueName } from './helpers'

// A company's site on other origins, served by the test itself: one listed for the Support
// queue's chat, one not. Both pages carry the one-line snippet, and hostile styles for buttons.
const LISTED_PORT = Number(process.env.E2E_PORT ?? 8181) + 1000
const UNLISTED_PORT = LISTED_PORT + 1
const LISTED = `http://localhost:${LISTED_PORT}`
const UNLISTED = `http://localhost:${UNLISTED_PORT}`

const hostPage = (title: string, extra = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:serif;background:#fdf6e3;margin:2rem} button{background:#f0f !important;font-size:40px !important;border:5px dashed lime !important}
iframe{border:10px solid red !important}</style></head>
<body><h1>${title}</h1><p>Our shop's page. <a href="/page2">Next page</a></p><button type="button">Shop button</button>${extra}
<script src="${BASE}/embed.js" data-queue="support" async></script></body></html>`

function serve(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    if (req.url === '/agent-app') return res.end(`<!doctype html><title>Framing the agent app</title><iframe title="agent app" src="${BASE}/conversations"></iframe><iframe title="admin" src="${BASE}/admin/queues"></iframe>`)
    res.end(hostPage(req.url === '/page2' ? 'Shop: page two' : 'Shop'))
  })
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}

let servers: Server[] = []
test.beforeAll(async () => {
  servers = [await serve(LISTED_PORT), await serve(UNLISTED_PORT)]
  const admin = await apiAs()
  const support = await queueByAddress(admin, 'support')
  const res = await admin.patch(`/api/admin/queues/${support!.id}`, { data: { embedOrigins: [LISTED] } })
  expect(res.ok()).toBe(true)
})
test.afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
})

const launcher = (page: Page) => page.getByRole('button', { name: 'Chat with us' })
const panel = (page: Page) => page.frameLocator('iframe[title="Chat with us"]')
const panelFrame = (page: Page) => page.locator('iframe[title="Chat with us"]')
/** Frames Chromium refused to show: they hold its error page. */
const refusedFrames = (page: Page) => page.frames().filter((f) => f.url().startsWith('chrome-error://')).length

test('the snippet on a listed site: launcher, chat in the panel, answered, remembered across pages, Escape closes', async ({ page }) => {
  await page.goto(LISTED)
  await expect(launcher(page)).toBeVisible()
  // The host's styles don't reach the launcher (shadow root): not the page's magenta buttons.
  const bg = await launcher(page).evaluate((el) => getComputedStyle(el).backgroundColor)
  expect(bg).not.toBe('rgb(255, 0, 255)')
  // Nor do ours reach the page.
  expect(await page.getByRole('button', { name: 'Shop button' }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 0, 255)')

  // Keyboard: focus the launcher and press Enter.
  await launcher(page).focus()
  await page.keyboard.press('Enter')
  // Open (on a phone the panel covers the screen and the launcher steps aside).
  await expect(panelFrame(page)).toBeVisible()
  const chat = panel(page)
  const name = uniqueName('Embed')
  await chat.getByLabel('Name').fill(name)
  await chat.getByRole('button', { name: 'Start chat' }).click()
  await chat.getByRole('textbox', { name: 'Message', exact: true }).fill('Hello from the shop')
  await chat.getByRole('button', { name: 'Send' }).click()
  await expect(chat.getByRole('log', { name: 'Messages' })).toContainText('Hello from the shop')

  // An agent picks and answers.
  const admin = await apiAs()
  const picklist = (await (await admin.get('/api/conversations?view=picklist')).json()).conversations as { id: string; customer: { name: string } }[]
  const conv = picklist.find((c) => c.customer.name === name)!
  expect((await admin.post(`/api/conversations/${conv.id}/pick`, { data: {} })).ok()).toBe(true)
  expect((await admin.post(`/api/conversations/${conv.id}/messages`, { data: { clientId: randomUUID(), text: 'Hi, how can I help?' } })).ok()).toBe(true)
  await expect(chat.getByRole('log', { name: 'Messages' })).toContainText('Hi, how can I help?')

  // Another page of the site (on a phone the open panel covers the page: go there by address):
  // the panel is open again, with the same chat.
  await page.goto(`${LISTED}/page2`)
  await expect(page.getByRole('heading', { name: 'Shop: page two' })).toBeVisible()
  await expect(panelFrame(page)).toBeVisible()
  await expect(panel(page).getByRole('log', { name: 'Messages' })).toContainText('Hi, how can I help?')

  // Escape inside the chat closes the panel and focus returns to the launcher.
  await panel(page).getByRole('textbox', { name: 'Message', exact: true }).click()
  await page.keyboard.press('Escape')
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false')
  await expect(page.locator('iframe[title="Chat with us"]')).toBeHidden()
  await expect(launcher(page)).toBeFocused()

  // Closed is remembered too; the JS API opens it again.
  await page.reload()
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false')
  await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open())
  await expect(panel(page).getByRole('log', { name: 'Messages' })).toContainText('Hi, how can I help?')
  await admin.post(`/api/conversations/${conv.id}/end`, { data: {} })
})

test('a site not listed cannot frame the chat; the agent app and admin refuse framing from anywhere', async ({ page, request }) => {
  // The listed site's frame holds the chat (the control for what follows).
  await page.goto(LISTED)
  await launcher(page).click()
  await expect(panel(page).getByRole('button', { name: 'Start chat' })).toBeVisible()
  expect(refusedFrames(page)).toBe(0)

  await page.goto(UNLISTED)
  await launcher(page).click()
  await expect(panelFrame(page)).toBeVisible()
  await expect.poll(() => refusedFrames(page)).toBe(1)
  await expect(panel(page).getByRole('button', { name: 'Start chat' })).toHaveCount(0)

  // The agent app and admin, framed by the listed site: both refused, by the headers they carry.
  await page.goto(`${LISTED}/agent-app`)
  await expect.poll(() => refusedFrames(page)).toBe(2)
  for (const path of ['/conversations', '/admin/queues', '/login']) {
    const res = await request.get(`${BASE}${path}`)
    expect(res.headers()['x-frame-options']).toBe('SAMEORIGIN')
    expect(res.headers()['content-security-policy']).toMatch(/frame-ancestors 'self'(;|$)/)
  }
  const chat = await request.get(`${BASE}/chat/support`)
  expect(chat.headers()['content-security-policy']).toContain(`frame-ancestors 'self' ${LISTED}`)
  expect(chat.headers()['x-frame-options']).toBeUndefined()
})

test('Parley.identify passes a verified identity from the site to the chat', async ({ page }) => {
  const admin = await apiAs()
  const secret = 'e2e-identity-secret-0123456789abcdef'
  expect((await admin.put('/api/admin/settings/identity', { data: { secret } })).ok()).toBe(true)
  const userId = `shop-user-${randomUUID().slice(0, 8)}`
  const signature = createHmac('sha256', secret).update(userId, 'utf8').digest('hex')
  await page.goto(LISTED)
  await expect(launcher(page)).toBeVisible()
  await page.evaluate(([id, sig]) => {
    const parley = (window as unknown as { Parley: { identify(who: { userId: string; signature: string }): void; open(): void } }).Parley
    parley.identify({ userId: id!, signature: sig! })
    parley.open()
  }, [userId, signature])
  const name = uniqueName('Ida Identified')
  await panel(page).getByLabel('Name').fill(name)
  await panel(page).getByRole('button', { name: 'Start chat' }).click()
  await expect(panel(page).getByRole('textbox', { name: 'Message', exact: true })).toBeVisible()
  const picklist = (await (await admin.get('/api/conversations?view=picklist')).json()).conversations as { id: string; customer: { name: string } }[]
  const conv = picklist.find((c) => c.customer.name === name)!
  const customer = (await (await admin.get(`/api/conversations/${conv.id}/customer`)).json()).customer
  expect(customer).toMatchObject({ verification: 'website', externalId: userId })
  await admin.put('/api/admin/settings/identity', { data: { secret: null } })
})

test('embed.js is small and self-contained', async ({ request }) => {
  const res = await request.get(`${BASE}/embed.js`, { headers: { 'accept-encoding': 'identity' } })
  expect(res.ok()).toBe(true)
  expect(res.headers()['cross-origin-resource-policy']).toBe('cross-origin')
  const { gzipSync } = await import('node:zlib')
  const body = await res.body()
  expect(gzipSync(body).length).toBeLessThanOrEqual(5 * 1024)
  expect(body.toString()).not.toMatch(/\bimport\b|\brequire\(/)
})
