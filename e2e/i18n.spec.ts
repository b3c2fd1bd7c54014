// The agent app in the agent's language, on a phone (390×844): Arabic mirrors the layout and
// German's long words fit; the language chosen in Settings applies at once, is stored with the
// user and survives a reload.
import { expect, test, type Page } from '@playwright/test'
import { apiAs, apiChat, createAgent, createQueue, uid } from './api'

test.use({ viewport: { width: 390, height: 844 } })

/** An agent of their own queue, with one chat they picked and one waiting; `locale` stored with them. */
async function agentWithChats(locale: 'ar' | 'de' | null) {
  const admin = await apiAs()
  const username = `lang${uid()}`.toLowerCase()
  const agent = await createAgent(admin, username)
  const address = `lang-${uid()}`.toLowerCase()
  await createQueue(admin, `Hilfe ${uid()}`, address, 'picklist', [agent.id])
  const me = await apiAs(username, 'agent-pass-1')
  if (locale) expect((await me.patch('/api/me', { data: { locale } })).ok()).toBe(true)
  const mine = await apiChat(`Mona ${uid()}`, { address })
  await mine.say('مرحبا، طلبي رقم 4711 لم يصل')
  expect((await me.post(`/api/conversations/${mine.id}/pick`, { data: {} })).ok()).toBe(true)
  await (await apiChat(`Wartend ${uid()}`, { address })).say('Hallo?')
  return { username, me }
}

async function signInAs(page: Page, username: string) {
  await page.goto('/login')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill('agent-pass-1')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/conversations$/)
}

/** Nothing wider than the screen: no horizontal scrolling anywhere. */
async function expectNoHorizontalScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }))
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth)
}

/** Each bottom-tab label fits its tab: not cut (its text is not wider than its box) and inside the link. */
async function expectNavLabelsFit(page: Page) {
  const overflowing = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('.nav-link')).filter((link) => link.offsetParent !== null).flatMap((link) => {
      const label = link.querySelector<HTMLElement>('.nav-label')
      if (!label) return []
      const l = label.getBoundingClientRect()
      const r = link.getBoundingClientRect()
      const cut = label.scrollWidth > label.clientWidth + 1
      const outside = l.left < r.left - 1 || l.right > r.right + 1
      return cut || outside ? [`${label.textContent} (${Math.round(l.width)} in ${Math.round(r.width)})`] : []
    }),
  )
  expect(overflowing).toEqual([])
}

test('Arabic: the layout mirrors and the guide\'s words are Arabic, nothing clipped', async ({ page }) => {
  const { username } = await agentWithChats('ar')
  await signInAs(page, username)
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar')
  const nav = page.getByRole('navigation', { name: 'الرئيسية' })
  for (const label of ['المحادثات', 'قائمة الانتظار', 'السجل']) await expect(nav.getByRole('link', { name: label })).toBeVisible()
  await expect(page.getByRole('heading', { level: 1, name: 'المحادثات' })).toBeVisible()
  await expectNoHorizontalScroll(page)
  await expectNavLabelsFit(page)

  // The action menu of a row, in Arabic.
  await page.getByRole('button', { name: /^إجراءات لـ/ }).first().click()
  const menu = page.getByRole('menu')
  for (const item of ['تفاصيل العميل', 'تفاصيل المحادثة', 'سجل المحادثات', 'ملاحظات داخلية', 'تحويل', 'إنهاء المحادثة']) {
    await expect(menu.getByRole('menuitem', { name: item })).toBeVisible()
  }
  await expectNoHorizontalScroll(page)
  // The menu is on screen, whole.
  const box = (await menu.boundingBox())!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(390)
  await page.keyboard.press('Escape')

  // The Picklist and a conversation.
  await nav.getByRole('link', { name: 'قائمة الانتظار' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'قائمة الانتظار' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'اختيار' }).first()).toBeVisible()
  await expectNoHorizontalScroll(page)
  await nav.getByRole('link', { name: 'المحادثات' }).click()
  await page.getByRole('link', { name: /Mona/ }).first().click()
  await expect(page.getByRole('textbox', { name: 'الرسالة' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'إجراءات أخرى' })).toBeVisible()
  await expectNoHorizontalScroll(page)
})

test('German: long words fit the tabs, the header and the menus', async ({ page }) => {
  const { username } = await agentWithChats('de')
  await signInAs(page, username)
  await expect(page.locator('html')).toHaveAttribute('lang', 'de')
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr')
  const nav = page.getByRole('navigation', { name: 'Hauptmenü' })
  for (const label of ['Unterhaltungen', 'Warteliste', 'Verlauf']) await expect(nav.getByRole('link', { name: label })).toBeVisible()
  await expectNoHorizontalScroll(page)
  await expectNavLabelsFit(page)
  await page.getByRole('button', { name: /^Aktionen für/ }).first().click()
  for (const item of ['Kundendetails', 'Details zur Unterhaltung', 'Bisherige Unterhaltungen', 'Interne Notizen', 'Weiterleiten', 'Chat beenden']) {
    await expect(page.getByRole('menuitem', { name: item })).toBeVisible()
  }
  await expectNoHorizontalScroll(page)
  await page.keyboard.press('Escape')
  await page.goto('/settings')
  await expect(page.getByRole('heading', { level: 1, name: 'Einstellungen' })).toBeVisible()
  await expectNoHorizontalScroll(page)
})

test('choosing the language in Settings applies at once, is stored with the user and survives a reload', async ({ page }) => {
  const { username, me } = await agentWithChats(null)
  await signInAs(page, username)
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await page.goto('/settings')
  const language = page.getByRole('radiogroup', { name: 'Language' })
  await expect(language.getByRole('radio', { name: /Browser language/ })).toBeChecked()
  await language.getByRole('radio', { name: 'Deutsch' }).check()
  // At once, without a reload.
  await expect(page.getByRole('heading', { level: 1, name: 'Einstellungen' })).toBeVisible()
  await expect(page.getByRole('radiogroup', { name: 'Sprache' }).getByRole('radio', { name: 'Deutsch' })).toBeChecked()
  await expect(page).toHaveTitle('Einstellungen · Parley')
  await expect.poll(async () => (await (await me.get('/api/auth/me')).json()).user.locale).toBe('de')

  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: 'Einstellungen' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'de')

  // Arabic, then back to the browser's language (English here).
  await page.getByRole('radio', { name: 'العربية' }).check()
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await expect(page.getByRole('heading', { level: 1, name: 'الإعدادات' })).toBeVisible()
  await page.getByRole('radio', { name: /لغة المتصفح/ }).check()
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr')
  await expect.poll(async () => (await (await me.get('/api/auth/me')).json()).user.locale).toBe(null)
  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
})
