// Issue 14, point 10: no admin page scrolls sideways on a phone (390 px), and every control is
// within the screen, on every admin tab.
import { expect, test, type Page } from '@playwright/test'
import { signIn } from './helpers'

/** Visible controls whose box leaves the viewport on the right or left, and the page's sideways overflow. */
async function outside(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const out: string[] = []
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, h1, h2'))) {
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) continue
      if (r.right > width + 0.5 || r.left < -0.5) out.push(`${el.tagName} ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30)} (${Math.round(r.left)}..${Math.round(r.right)})`)
    }
    const scrollers = Array.from(document.querySelectorAll<HTMLElement>('*')).filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible' && getComputedStyle(el).overflowX !== 'hidden')
    return { out, pageOverflow: document.documentElement.scrollWidth - width, scrollers: scrollers.map((el) => el.className || el.tagName) }
  })
}

test('every admin tab fits a 390 px phone: nothing cut off, nothing scrolls sideways', async ({ page }) => {
  test.skip(test.info().project.name !== 'phone', 'phone layout')
  await signIn(page)
  await page.goto('/admin/agents')
  const tabs = page.getByRole('navigation', { name: 'Admin' }).getByRole('link')
  await expect(tabs.first()).toBeVisible()
  const names = await tabs.allTextContents()
  expect(names.length).toBeGreaterThanOrEqual(6)
  for (const name of names) {
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name, exact: true }).click()
    await expect(page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name, exact: true })).toHaveAttribute('aria-current', 'page')
    await page.waitForTimeout(300)
    const found = await outside(page)
    expect(found.out, `controls cut off on ${name}`).toEqual([])
    expect(found.pageOverflow, `page scrolls sideways on ${name}`).toBeLessThanOrEqual(0)
    expect(found.scrollers, `parts scroll sideways on ${name}`).toEqual([])
  }
})
