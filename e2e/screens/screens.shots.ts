import { expect, test, type Page } from '@playwright/test'
import { apiAs, apiChat, createQueue, uid } from '../api'
import { revealRow, signIn, startCustomerChat, send } from '../helpers'

/** Visible controls smaller than 44×44 px (phone only): buttons, links, form controls. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, [role="button"], [role="menuitem"], [role="menuitemradio"], [role="tab"]'))) {
      const r = el.getBoundingClientRect()
      const style = getComputedStyle(el)
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue
      // Checkboxes and radios count with their label.
      const label = (el instanceof HTMLInputElement && ['checkbox', 'radio'].includes(el.type)) ? (el.closest('label') ?? el.labels?.[0] ?? null) : null
      const box = label ? label.getBoundingClientRect() : r
      if (box.height < 44 || box.width < 44) {
        const name = el.getAttribute('aria-label') || el.textContent?.trim().slice(0, 30) || el.tagName
        out.push(`${name} (${Math.round(box.width)}×${Math.round(box.height)})`)
      }
    }
    return out
  })
}

test('every screen', async ({ page, browser }, info) => {
  test.setTimeout(240_000)
  const dir = `screenshots/${info.project.name}`
  const small: Record<string, string[]> = {}
  /** Each screen in light and in dark (the app follows prefers-color-scheme until Settings says otherwise). */
  const both = async (p: Page, name: string) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await p.emulateMedia({ colorScheme })
      await p.waitForTimeout(150)
      await p.screenshot({ path: `${dir}/${name}-${colorScheme}.png` })
    }
    await p.emulateMedia({ colorScheme: 'light' })
  }
  const shot = async (name: string) => {
    await page.waitForTimeout(300)
    await both(page, name)
    if (info.project.name === 'phone') {
      const found = await smallTargets(page)
      if (found.length) small[name] = found
    }
  }

  // Data: waiting chats, a picked one with a conversation, an ended one.
  const admin = await apiAs()
  const waiting = await apiChat(`Wanda ${uid()}`, { email: `wanda.${uid()}@example.com`, phone: '+358 40 123 4567' })
  await waiting.say('Hi, my order has not arrived yet. Can you check?')
  await (await apiChat(`Pekka ${uid()}`, { phone: '+358 50 765 4321' })).say('Hello?')
  const ended = await apiChat(`Elli ${uid()}`)
  await ended.say('Thanks, that was all!')
  await admin.post(`/api/conversations/${ended.id}/pick`, { data: {} })
  await admin.post(`/api/conversations/${ended.id}/end`, { data: {} })
  await createQueue(admin, `Billing ${uid()}`, `billing-${uid()}`, 'picklist', [])

  await page.goto('/login')
  await shot('01-sign-in')
  await signIn(page)
  await page.goto('/picklist')
  await shot('02-picklist')
  await (await revealRow(page, 'Wanda')).getByRole('button', { name: 'Pick' }).click()
  await expect(page.getByRole('heading', { level: 1, name: /Wanda/ })).toBeVisible()
  await send(page, 'Hello Wanda! Let me check that for you 😊')
  await waiting.say('Thank you!')
  await shot('03-conversation')
  await page.getByRole('button', { name: 'More actions' }).click()
  await shot('04-action-menu')
  for (const item of ['Customer details', 'Conversation details', 'Conversation history', 'Internal notes', 'Transfer', 'End chat']) {
    const menuItem = page.getByRole('menuitem', { name: item })
    if (!(await menuItem.isVisible())) await page.getByRole('button', { name: 'More actions' }).click()
    await menuItem.click()
    await shot(`05-${item.toLowerCase().replace(/ /g, '-')}`)
    await page.keyboard.press('Escape')
    await page.waitForTimeout(200)
  }
  await page.goto('/conversations')
  await shot('06-conversations')
  await page.goto('/history')
  await shot('07-history')
  if (await page.getByRole('link', { name: 'Settings' }).count()) {
    await page.getByRole('link', { name: 'Settings' }).first().click()
    await shot('08-settings')
  }
  await page.goto('/admin/agents')
  await shot('09-admin-agents')
  await page.goto('/admin/queues')
  await shot('10-admin-queues')
  await page.goto('/admin/devices')
  await shot('10-admin-devices')

  // Issue 14, the agent's day: All open, Canned responses (admin), search, canned picker, shortcuts.
  await admin.post('/api/admin/canned-responses', { data: { title: 'Refund status', shortcut: 'refund', text: 'Hi {{customer.name}}, your refund is on its way. {{agent.name}}', queueIds: null } })
  await page.goto('/admin/open')
  await expect(page.getByRole('heading', { name: 'All open', level: 2 })).toBeVisible()
  await shot('13-admin-all-open')
  await page.getByRole('button', { name: 'Reassign' }).first().click()
  await shot('14-admin-reassign')
  await page.keyboard.press('Escape')
  await page.goto('/admin/canned')
  await expect(page.getByRole('heading', { name: 'Refund status' })).toBeVisible()
  await shot('15-admin-canned')
  await page.goto('/picklist')
  await page.getByRole('searchbox', { name: 'Search' }).fill('order')
  await expect(page.getByRole('list', { name: 'Search results' })).toBeVisible()
  await shot('16-search-results')
  await page.getByRole('list', { name: 'Search results' }).getByRole('link').first().click()
  await shot('17-search-opened')
  await page.goto('/conversations')
  await page.getByRole('listitem').filter({ hasText: 'Wanda' }).getByRole('link').first().click()
  await page.getByRole('button', { name: 'Canned responses' }).click()
  await shot('18-canned-picker')
  await page.keyboard.press('Escape')
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('?')
  await shot('19-keyboard-shortcuts')
  await page.keyboard.press('Escape')
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Customer details' }).click()
  await shot('20-details-panel')
  await page.keyboard.press('Escape')

  // The customer's side.
  const customer = await startCustomerChat(browser, `Cleo ${uid()}`)
  await customer.page.setViewportSize(page.viewportSize()!)
  await send(customer.page, 'Hi! I need help with my invoice.')
  await both(customer.page, '11-customer-thread')
  const form = await browser.newPage({ viewport: page.viewportSize()! })
  await form.goto('/chat/support')
  await both(form, '12-customer-form')
  await form.close()
  await customer.context.close()

  expect(small, 'touch targets under 44 px').toEqual({})
})

test('the agent app in Arabic and in German', async ({ page }, info) => {
  test.setTimeout(180_000)
  const dir = `screenshots/${info.project.name}`
  const admin = await apiAs()
  for (const locale of ['ar', 'de'] as const) {
    // An agent of their own queue who chose this language, with a picked chat and a waiting one.
    const username = `shot${locale}${uid()}`.toLowerCase()
    const res = await admin.post('/api/admin/users', {
      data: { username, displayName: locale === 'ar' ? 'ليلى' : 'Jürgen', role: 'agent', password: 'agent-pass-1', maxConcurrent: 5, queueIds: [] },
    })
    const agentId = (await res.json()).user.id as string
    const address = `shots-${locale}-${uid()}`.toLowerCase()
    await createQueue(admin, locale === 'ar' ? 'الدعم' : 'Kundenbetreuung', address, 'picklist', [agentId])
    const me = await apiAs(username, 'agent-pass-1')
    await me.patch('/api/me', { data: { locale } })
    const picked = await apiChat(locale === 'ar' ? 'سارة أحمد' : 'Dana Schmidt', { address })
    await picked.say(locale === 'ar' ? 'مرحبا، طلبي رقم 4711 لم يصل بعد.' : 'Hallo, meine Bestellung 4711 ist noch nicht angekommen.')
    await me.post(`/api/conversations/${picked.id}/pick`, { data: {} })
    await (await apiChat(locale === 'ar' ? 'Mona Lisa' : 'Wanda Wartend', { address })).say(locale === 'ar' ? 'هل من أحد هنا؟' : 'Ist da jemand?')

    await page.context().clearCookies()
    await page.goto('/login')
    await page.evaluate(() => localStorage.clear())
    await page.reload()
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password', { exact: true }).fill('agent-pass-1')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.locator('html')).toHaveAttribute('lang', locale)
    await page.waitForTimeout(400)
    await page.screenshot({ path: `${dir}/20-${locale}-conversations.png` })
    await page.goto('/picklist')
    await page.waitForTimeout(400)
    await page.screenshot({ path: `${dir}/21-${locale}-picklist.png` })
    await page.goto(`/conversations/${picked.id}`)
    await page.waitForTimeout(400)
    await page.screenshot({ path: `${dir}/22-${locale}-conversation.png` })
    await page.getByRole('button', { name: locale === 'ar' ? 'إجراءات أخرى' : 'Weitere Aktionen' }).click()
    await page.waitForTimeout(300)
    await page.screenshot({ path: `${dir}/23-${locale}-action-menu.png` })
    await page.keyboard.press('Escape')
    await page.goto('/history')
    await page.waitForTimeout(300)
    await page.screenshot({ path: `${dir}/24-${locale}-history.png` })
    await page.goto('/settings')
    await page.waitForTimeout(400)
    await page.screenshot({ path: `${dir}/25-${locale}-settings.png`, fullPage: true })
  }
})
