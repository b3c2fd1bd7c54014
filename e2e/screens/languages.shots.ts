// Screens in other languages (issue 13): the customer page in Spanish (the browser's language) and
// in Arabic (?lang=ar, right to left), the admin area and the agent app in Arabic.
import { expect, test, type Browser, type Page } from '@playwright/test'
import { apiAs, apiChat, uid } from '../api'
import { signIn } from '../helpers'

test('other languages', async ({ page, browser }, info) => {
  test.setTimeout(240_000)
  const dir = `screenshots/${info.project.name}`
  const viewport = page.viewportSize()!
  const shot = async (p: Page, name: string) => {
    await p.waitForTimeout(300)
    await p.screenshot({ path: `${dir}/${name}.png` })
  }
  const customerPage = async (b: Browser, locale: string, query = '') => {
    const context = await b.newContext({ viewport, locale, isMobile: info.project.name === 'phone', hasTouch: info.project.name === 'phone' })
    const p = await context.newPage()
    await p.goto(`/chat/support${query}`)
    return { context, p }
  }

  // The customer page in Spanish, chosen by the browser: the form (with its messages), then a chat.
  {
    const { context, p } = await customerPage(browser, 'es-ES')
    await p.getByRole('button', { name: 'Iniciar chat' }).click()
    await shot(p, '20-customer-es-form')
    await p.getByLabel('Nombre').fill(`Lucía ${uid()}`)
    await p.getByRole('button', { name: 'Iniciar chat' }).click()
    await p.locator('.customer-composer textarea').fill('Hola, mi pedido 4711 no ha llegado.')
    await p.getByRole('button', { name: /Enviar|Send/ }).click()
    await expect(p.getByRole('log')).toContainText('mi pedido 4711')
    await shot(p, '21-customer-es-thread')
    await context.close()
  }
  // The customer page in Arabic, by ?lang=ar: right to left.
  {
    const { context, p } = await customerPage(browser, 'en-US', '?lang=ar')
    await expect(p.locator('html')).toHaveAttribute('dir', 'rtl')
    await shot(p, '22-customer-ar-form')
    await p.getByLabel('الاسم').fill(`رنا ${uid()}`)
    await p.getByRole('button', { name: 'بدء المحادثة' }).click()
    await p.locator('.customer-composer textarea').fill('مرحبا، طلبي رقم 4711 لم يصل بعد.')
    await p.keyboard.press('Enter')
    await expect(p.getByRole('log')).toContainText('4711')
    await shot(p, '23-customer-ar-thread')
    await context.close()
  }

  // The agent app and the admin area in Arabic.
  const chat = await apiChat(`Rana ${uid()}`)
  await chat.say('مرحبا، لدي سؤال عن طلبي 4711.')
  const admin = await apiAs()
  await admin.post(`/api/conversations/${chat.id}/pick`, { data: {} })
  await signIn(page)
  await page.evaluate(() => localStorage.setItem('parley.locale', 'ar'))
  await page.goto('/conversations')
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await shot(page, '24-ar-conversations')
  await page.goto(`/conversations/${chat.id}`)
  await expect(page.locator('a.back')).toBeVisible()
  await shot(page, '25-ar-conversation')
  for (const [path, name] of [['agents', '26-ar-admin-agents'], ['queues', '27-ar-admin-queues'], ['devices', '28-ar-admin-devices'], ['files', '29-ar-admin-files']] as const) {
    await page.goto(`/admin/${path}`)
    await page.waitForLoadState('networkidle')
    await shot(page, name)
  }
  // A form open, with its errors.
  await page.goto('/admin/agents')
  await page.getByRole('button', { name: 'وكيل جديد' }).click()
  await page.getByRole('button', { name: 'إنشاء وكيل' }).click()
  await shot(page, '30-ar-admin-new-agent-errors')

  // German: long words in the admin area.
  await page.evaluate(() => localStorage.setItem('parley.locale', 'de'))
  await page.goto('/admin/devices')
  await page.waitForLoadState('networkidle')
  await shot(page, '31-de-admin-devices')
  await page.goto('/admin/queues')
  await page.getByRole('button', { name: 'Neue Warteschlange' }).click()
  await shot(page, '32-de-admin-new-queue')
  await page.evaluate(() => localStorage.removeItem('parley.locale'))
})
