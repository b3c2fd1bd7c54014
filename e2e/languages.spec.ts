// The customer page in the customer's language (browser, ?lang=, the menu) and the app right to
// left in Arabic: mirrored layout, nothing scrolling sideways (issue 13).
import { expect, test, type Page } from '@playwright/test'
import { ADMIN, iso, rowOf, signIn, swipeLeft, swipeRight } from './helpers'
import { apiAs, apiChat, uid } from './api'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement
    const wide = [...document.querySelectorAll<HTMLElement>('body *')].filter((n) => {
      const r = n.getBoundingClientRect()
      return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1) && getComputedStyle(n).position !== 'fixed'
    })
    return { scroll: el.scrollWidth - el.clientWidth, outside: wide.slice(0, 3).map((n) => n.className || n.tagName) }
  })
  expect(overflow.scroll).toBeLessThanOrEqual(0)
  return overflow
}

test.describe('customer page languages', () => {
  test('follows the browser: Spanish labels for an es-ES browser', async ({ browser }) => {
    const context = await browser.newContext({ ...PHONE, locale: 'es-ES' })
    const page = await context.newPage()
    await page.goto('/chat/support')
    await expect(page.locator('html')).toHaveAttribute('lang', 'es')
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Chat con /)
    await expect(page.getByText('Dinos quién eres y te pondremos en contacto con alguien del equipo.')).toBeVisible()
    await expect(page.getByLabel('Nombre')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Iniciar chat' })).toBeVisible()
    // The menu says which languages there are, each in its own name.
    const menu = page.getByRole('combobox', { name: 'Idioma' })
    await expect(menu.locator('option')).toHaveText(['English', 'Deutsch', 'Español', 'العربية'])
    await expect(menu).toHaveValue('es')
    // Validation messages too.
    await page.getByRole('button', { name: 'Iniciar chat' }).click()
    await expect(page.getByText('Escribe tu nombre.')).toBeVisible()
    await noSidewaysScroll(page)
    // Switching says everything again in the new language, the form's messages included.
    await menu.selectOption('en')
    await expect(page.getByText('Please enter your name.')).toBeVisible()
    await expect(page.getByLabel('Name')).toBeVisible()
    await expect(page).toHaveURL(/[?&]lang=en\b/)
    await context.close()
  })

  test('?lang=ar gives a right-to-left page; the menu switches at once and keeps ?lang= for a reload', async ({ browser }) => {
    const context = await browser.newContext({ ...PHONE, locale: 'es-ES' })
    const page = await context.newPage()
    await page.goto('/chat/support?lang=ar')
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
    await expect(page.locator('html')).toHaveAttribute('lang', 'ar')
    await expect(page.getByRole('button', { name: 'بدء المحادثة' })).toBeVisible()
    // Mirrored: the queue's avatar starts the header at the right edge, the language menu ends it on the left.
    const avatar = await page.locator('.header .avatar').boundingBox()
    const menu = page.getByRole('combobox', { name: 'اللغة' })
    const menuBox = await menu.boundingBox()
    expect(avatar!.x + avatar!.width).toBeGreaterThan(390 - 40)
    expect(menuBox!.x).toBeLessThan(40)
    await noSidewaysScroll(page)

    await menu.selectOption('de')
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr')
    await expect(page.getByRole('button', { name: 'Chat beginnen' })).toBeVisible()
    await expect(page).toHaveURL(/[?&]lang=de\b/)
    await page.reload()
    await expect(page.getByRole('button', { name: 'Chat beginnen' })).toBeVisible()
    await expect(page.getByRole('combobox', { name: 'Sprache' })).toHaveValue('de')
    await context.close()
  })

  test('a chat in Spanish: status, composer and the agent’s system line in the customer’s language', async ({ browser }) => {
    const context = await browser.newContext({ ...PHONE, locale: 'es-ES' })
    const page = await context.newPage()
    await page.goto('/chat/support')
    const name = `Lucía ${uid()}`
    await page.getByLabel('Nombre').fill(name)
    await page.getByRole('button', { name: 'Iniciar chat' }).click()
    await expect(page.getByText('Esperando a que te atienda alguien…')).toBeVisible()
    await expect(page.getByRole('log', { name: 'Mensajes' })).toContainText('Saluda: tus mensajes aparecerán aquí.')
    await expect(page.locator('.customer-composer textarea')).toHaveAttribute('placeholder', 'Escribe un mensaje…')

    const admin = await apiAs()
    const list = await (await admin.get('/api/conversations?view=picklist')).json()
    const mine = list.conversations.find((c: { customer: { name: string } }) => c.customer.name === name)
    expect((await admin.post(`/api/conversations/${mine.id}/pick`, { data: {} })).ok()).toBe(true)
    const me = await (await admin.get('/api/auth/me')).json()
    // The agent's name is isolated (FSI…PDI) inside the sentence, so a name in any script keeps its place.
    const agent = iso(me.user.displayName)
    await expect(page.getByRole('log', { name: 'Mensajes' })).toContainText(`${agent} se ha unido al chat`)
    await expect(page.getByText(`Estás hablando con ${agent}`)).toBeVisible()
    await context.close()
  })
})

test.describe('agent app right to left', () => {
  // The language is the admin's own setting, stored with the user: back to the browser's after.
  test.afterEach(async () => {
    const admin = await apiAs()
    await admin.patch('/api/me', { data: { locale: null } })
  })

  test('in Arabic the layout mirrors: back button at the right edge, the nav starts on the right, nothing scrolls sideways', async ({ page }) => {
    const name = `Rana ${uid()}`
    const chat = await apiChat(name)
    await chat.say('مرحبا، لدي سؤال عن طلبي 4711.')
    const admin = await apiAs()
    expect((await admin.post(`/api/conversations/${chat.id}/pick`, { data: {} })).ok()).toBe(true)

    await signIn(page, ADMIN)
    // The agent's chosen language is stored with the user (Settings → Language does the same); the
    // app follows the server's choice when it next reads the user.
    expect((await admin.patch('/api/me', { data: { locale: 'ar' } })).ok()).toBe(true)
    await page.goto('/conversations')
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
    await expect(page.locator('html')).toHaveAttribute('lang', 'ar')

    // The bottom navigation's first item (Conversations) is at the right, the last at the left.
    const links = page.locator('nav .nav-list').first().locator('a')
    const first = await links.first().boundingBox()
    const last = await links.last().boundingBox()
    expect(first!.x).toBeGreaterThan(last!.x)
    expect(first!.x + first!.width).toBeGreaterThan(390 - 10)
    await noSidewaysScroll(page)

    // Swipe actions come from the mirrored side: a swipe to the right reveals them at the left edge;
    // a swipe to the left does nothing.
    const row = rowOf(page, name)
    const actions = row.locator('.swipe-actions')
    await swipeLeft(page, row, 0.35)
    await expect(actions).toBeHidden()
    await swipeRight(page, row, 0.35)
    await expect(actions).toBeVisible()
    const revealed = await actions.boundingBox()
    expect(revealed!.x).toBeLessThan(2)
    expect(revealed!.x + revealed!.width).toBeLessThan(390 / 2 + 20)
    await page.keyboard.press('Escape')
    await expect(actions).toBeHidden()

    await page.goto(`/conversations/${chat.id}`)
    const back = page.locator('a.back')
    await expect(back).toBeVisible()
    const box = await back.boundingBox()
    expect(box!.x + box!.width).toBeGreaterThan(390 - 24)
    // The arrow points right (mirrored), toward where the list was.
    expect(await back.locator('svg').evaluate((el) => getComputedStyle(el).transform)).toBe('matrix(-1, 0, 0, 1, 0, 0)')
    await noSidewaysScroll(page)

    for (const path of ['/admin/agents', '/admin/queues', '/admin/devices', '/admin/files', '/settings']) {
      await page.goto(path)
      await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
      await page.waitForLoadState('networkidle')
      await noSidewaysScroll(page)
    }
    await page.goto('/admin/agents')
    await expect(page.getByRole('heading', { level: 2, name: 'الوكلاء' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'وكيل جديد' })).toBeVisible()
  })
})
