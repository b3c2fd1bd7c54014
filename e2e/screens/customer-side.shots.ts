import { createServer, type Server } from 'node:http'
import { randomUUID } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { apiAs, apiChat, BASE, queueByAddress, uid } from '../api'
import { signIn } from '../helpers'

// The customer's side (issue 15): the website panel on a company's page (phone and desktop), the
// waiting line, the end of a chat (transcript and rating), and Admin → Queues' new parts.
const HOST_PORT = Number(process.env.E2E_PORT ?? 8181) + 1002
const HOST = `http://localhost:${HOST_PORT}`
const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0;font-family:Georgia,serif;background:#f7f3ea;color:#222}header{background:#2f4f2f;color:#fff;padding:1rem 2rem}
main{padding:1rem 2rem;max-width:60rem}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1rem}
.card{background:#fff;border:1px solid #ddd;padding:1rem;height:8rem}</style></head>
<body><header><h1>Example shop</h1></header><main><p>Garden tools and seeds.</p><div class="grid">
<div class="card">Spade</div><div class="card">Rake</div><div class="card">Seeds</div><div class="card">Gloves</div></div></main>
<script src="${BASE}/embed.js" data-queue="support" async></script></body></html>`

let server: Server
test.beforeAll(async () => {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(page)
  })
  await new Promise<void>((r) => server.listen(HOST_PORT, '127.0.0.1', () => r()))
})
test.afterAll(async () => {
  await new Promise((r) => server.close(r))
})

test('the customer side', async ({ page: p, browser }, info) => {
  test.setTimeout(120_000)
  const dir = `screenshots/${info.project.name}`
  const admin = await apiAs()
  const support = await queueByAddress(admin, 'support')
  await admin.patch(`/api/admin/queues/${support!.id}`, { data: { embedOrigins: [HOST] } })

  // The panel on the company's page, with a chat answered by an agent.
  await p.goto(HOST)
  await p.screenshot({ path: `${dir}/30-embed-launcher.png` })
  await p.getByRole('button', { name: 'Chat with us' }).click()
  const chat = p.frameLocator('iframe[title="Chat with us"]')
  const name = `Sam ${uid()}`
  await chat.getByLabel('Name').fill(name)
  await chat.getByRole('button', { name: 'Start chat' }).click()
  await chat.getByRole('textbox', { name: 'Message', exact: true }).fill('Do you ship seeds abroad?')
  await chat.getByRole('button', { name: 'Send' }).click()
  const list = (await (await admin.get('/api/conversations?view=picklist')).json()).conversations as { id: string; customer: { name: string } }[]
  const conv = list.find((c) => c.customer.name === name)!
  await admin.post(`/api/conversations/${conv.id}/pick`, { data: {} })
  await admin.post(`/api/conversations/${conv.id}/read`, { data: { seq: 1 } })
  await admin.post(`/api/conversations/${conv.id}/messages`, { data: { clientId: randomUUID(), text: 'Yes, to all EU countries.' } })
  await expect(chat.getByRole('log', { name: 'Messages' })).toContainText('Yes, to all EU countries.')
  await p.waitForTimeout(300)
  await p.screenshot({ path: `${dir}/31-embed-panel.png` })

  // Waiting in line behind two chats, in a closed queue's hours notice.
  const address = `garden-${uid()}`
  const queueName = `Garden help ${info.project.name}`
  const q = (await (await admin.post('/api/admin/queues', { data: { name: queueName, address, routingMode: 'picklist', memberIds: [] } })).json()).queue as { id: string }
  const week: { from: string; to: string }[][] = [[], [], [], [], [], [], []]
  week[(new Date().getUTCDay() + 6 + 2) % 7] = [{ from: '09:00', to: '17:00' }]
  await admin.patch(`/api/admin/queues/${q.id}`, { data: { openingHours: { timeZone: 'Europe/Berlin', week } } })
  await apiChat('First', { address })
  await apiChat('Second', { address })
  const customer = await browser.newContext({ viewport: p.viewportSize()!, timezoneId: 'Europe/Helsinki' })
  const cp = await customer.newPage()
  await cp.goto(`/chat/${address}`)
  await cp.getByLabel('Name').fill('Tove')
  await cp.getByRole('button', { name: 'Start chat' }).click()
  await cp.getByRole('textbox', { name: 'Message', exact: true }).fill('When do you open?')
  await cp.getByRole('button', { name: 'Send' }).click()
  await expect(cp.getByTestId('queue-position')).toContainText('number 3')
  await cp.screenshot({ path: `${dir}/32-customer-waiting.png` })

  // The end: transcript and rating.
  const ended = await apiChat(`Una ${uid()}`)
  await ended.say('Thanks for the help!')
  await admin.post(`/api/conversations/${ended.id}/pick`, { data: {} })
  await admin.post(`/api/conversations/${ended.id}/end`, { data: {} })
  await cp.evaluate((t) => localStorage.setItem('parley.chat.support', t), ended.token)
  await cp.goto('/chat/support')
  await expect(cp.getByRole('button', { name: 'Download transcript' })).toBeVisible()
  await cp.getByRole('radio', { name: '4 stars' }).check()
  await cp.getByLabel('Comment (optional)').fill('Quick and friendly, thank you.')
  await cp.screenshot({ path: `${dir}/33-customer-ended-rating.png` })
  await cp.getByRole('button', { name: 'Send rating' }).click()
  await expect(cp.getByText('Thank you for your feedback!')).toBeVisible()
  await customer.close()

  // Admin → Queues: the website panel and the ratings.
  await signIn(p)
  await p.goto('/admin/queues')
  await p.getByRole('button', { name: `Website chat and opening hours for ${queueName}` }).click()
  await expect(p.getByTestId('snippet')).toBeVisible()
  await p.getByRole('form', { name: `Website chat and opening hours for ${queueName}` }).scrollIntoViewIfNeeded()
  await p.screenshot({ path: `${dir}/34-admin-queue-website.png`, fullPage: true })
  await p.getByRole('region', { name: 'Customer ratings' }).scrollIntoViewIfNeeded()
  await p.screenshot({ path: `${dir}/35-admin-ratings.png` })
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow, 'no sideways scroll on Admin → Queues').toBeLessThanOrEqual(0)
})
