// A long conversation on a phone: the thread is virtualized (only the rows near the screen are
// mounted), opens at the newest message, loads older pages at the top without moving what is on
// screen, and follows new messages while the agent is at the bottom.
import { expect, test, type Locator } from '@playwright/test'
import { apiAs, apiChat } from './api'
import { signIn, uniqueName } from './helpers'

const COUNT = 1050
const label = (i: number) => `Message ${String(i).padStart(4, '0')}`

/** The first message bubble whose text is (partly) inside the log's visible area, and where it is. */
const firstVisible = (log: Locator) =>
  log.evaluate((el) => {
    const top = el.getBoundingClientRect().top
    for (const p of el.querySelectorAll<HTMLElement>('.bubble .text')) {
      const r = p.getBoundingClientRect()
      if (r.bottom > top) return { text: p.textContent ?? '', y: r.top - top }
    }
    return null
  })

const whereIs = (log: Locator, text: string) =>
  log.evaluate((el, t) => {
    const p = [...el.querySelectorAll<HTMLElement>('.bubble .text')].find((n) => n.textContent === t)
    return p ? p.getBoundingClientRect().top - el.getBoundingClientRect().top : null
  }, text)

test('a thread of 1,050 messages: opens at the bottom with few rows mounted, loads older ones in place, follows new ones', async ({ page }) => {
  test.setTimeout(120_000)
  const name = uniqueName('Lena')
  const chat = await apiChat(name)
  const admin = await apiAs()
  await chat.say(label(1))
  expect((await admin.post(`/api/conversations/${chat.id}/pick`, { data: {} })).ok()).toBe(true)
  // Every tenth from the customer (their sends are rate limited), the rest from the agent.
  for (let i = 2; i <= COUNT; i++) {
    if (i % 10 === 0) await chat.say(label(i))
    else {
      const res = await admin.post(`/api/conversations/${chat.id}/messages`, { data: { clientId: crypto.randomUUID(), text: label(i) } })
      expect(res.ok()).toBe(true)
    }
  }

  await signIn(page)
  await page.goto(`/conversations/${chat.id}`)
  const log = page.getByRole('log', { name: 'Messages' })
  const messages = log.getByText(/^Message \d{4}$/)
  await expect(log.getByText(label(COUNT), { exact: true })).toBeInViewport()
  const mounted = await messages.count()
  expect(mounted).toBeGreaterThan(3)
  expect(mounted).toBeLessThanOrEqual(60)
  await expect(log.getByText(label(COUNT - 100), { exact: true })).toHaveCount(0)

  // Hold the older page until the rows on screen are noted, then let it come.
  let release = () => {}
  const held = new Promise<void>((r) => (release = r))
  await page.route(/\/messages\?.*beforeSeq=/, async (route) => {
    await held
    await route.continue()
  })
  // Up to the top of what is loaded, as a reader scrolling would.
  await log.evaluate((el) => el.scrollTo({ top: 0 }))
  await expect(page.getByRole('status').filter({ hasText: 'Loading earlier messages…' })).toBeVisible()
  const before = await firstVisible(log)
  expect(before).not.toBeNull()
  release()
  await expect(page.getByRole('status').filter({ hasText: 'Loading earlier messages…' })).toHaveCount(0)
  await expect.poll(() => whereIs(log, before!.text)).toBeCloseTo(before!.y, 0)
  // The older page is above: scrolling up shows it.
  await log.evaluate((el) => el.scrollBy({ top: -600 }))
  await expect(log.getByText(label(COUNT - 101), { exact: true })).toBeVisible()
  expect(await messages.count()).toBeLessThanOrEqual(60)

  // Reading older messages: a new one doesn't move the view.
  const reading = await firstVisible(log)
  await chat.say('New while reading older')
  // It has arrived (read out to screen readers) but the view stays where it was.
  await expect(page.getByText(`${name}: New while reading older`)).toBeAttached()
  expect(await whereIs(log, reading!.text)).toBeCloseTo(reading!.y, 0)

  // At the bottom, a new customer message comes into view.
  await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
  await expect(log.getByText('New while reading older')).toBeInViewport()
  await chat.say('Stick to the bottom')
  await expect(log.getByText('Stick to the bottom')).toBeInViewport()
  // And so does my own, sent from the composer.
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill('My own reply')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(log.getByText('My own reply')).toBeInViewport()
  expect(await messages.count()).toBeLessThanOrEqual(60)
})
