import { expect, test, type Page } from '@playwright/test'
import { signIn } from './helpers'

/** The page background as the browser paints it. */
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
const LIGHT_BG = 'rgb(255, 255, 255)'
const DARK_BG = 'rgb(15, 23, 42)'

test('dark mode follows the system, and the choice in Settings is kept on the device across reloads', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await signIn(page)
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  expect(await background(page)).toBe(DARK_BG)
  // The system changes while the app is open: System follows it.
  await page.emulateMedia({ colorScheme: 'light' })
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')

  await page.getByRole('link', { name: 'Settings' }).first().click()
  await expect(page.getByRole('radio', { name: 'System' })).toBeChecked()
  await page.getByRole('radio', { name: 'Dark' }).check()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  expect(await background(page)).toBe(DARK_BG)

  // After a reload the theme is already set when the app's first frame is drawn (before mount).
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('#app > *')) {
          ;(window as unknown as { themeAtMount: string | undefined }).themeAtMount = document.documentElement.dataset.theme
          obs.disconnect()
        }
      }).observe(document.getElementById('app')!, { childList: true })
    })
  })
  await page.reload()
  await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked()
  expect(await page.evaluate(() => (window as unknown as { themeAtMount?: string }).themeAtMount)).toBe('dark')
  // Light wins over a dark system; System gives the choice back to the device.
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.getByRole('radio', { name: 'Light' }).check()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  expect(await background(page)).toBe(LIGHT_BG)
  await page.getByRole('radio', { name: 'System' }).check()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
})

test('the sort menu: arrows, Home/End and Escape back to its button; a tap outside closes it', async ({ page }) => {
  await signIn(page)
  await page.goto('/conversations')
  const button = page.getByRole('button', { name: /^Sort/ })
  await button.focus()
  await page.keyboard.press('ArrowDown')
  const menu = page.getByRole('menu', { name: 'Sort conversations by' })
  const items = menu.getByRole('menuitemradio')
  await expect(items.first()).toBeFocused()
  await page.keyboard.press('End')
  await expect(items.last()).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(items.first()).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(menu).toBeHidden()
  await expect(button).toBeFocused()

  await button.click()
  await expect(menu).toBeVisible()
  await page.getByRole('heading', { level: 1 }).click()
  await expect(menu).toBeHidden()
})
