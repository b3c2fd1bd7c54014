// Installability (issue 5): Chromium itself judges the built app installable, through the DevTools
// protocol (Lighthouse no longer has a PWA category), and every image the manifest names is served.
import { chromium, expect, test } from '@playwright/test'
import { signIn } from './helpers'

interface ManifestImage {
  src: string
  sizes?: string
  type?: string
  purpose?: string
  form_factor?: string
}

test('Chromium finds the app installable: no installability errors, the manifest and its images are served', async ({ request }, testInfo) => {
  // Chromium never installs from an incognito profile (Playwright's usual contexts): a real profile.
  const use = testInfo.project.use
  const context = await chromium.launchPersistentContext(testInfo.outputPath('profile'), {
    ...use.launchOptions,
    baseURL: use.baseURL,
    viewport: use.viewport,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  await signIn(page)
  // Installability needs the service worker that serves the app (and its offline start page).
  await page.evaluate(() => navigator.serviceWorker.ready)
  const cdp = await page.context().newCDPSession(page)

  await expect
    .poll(async () => ((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors ?? []).map((e) => e.errorId), { timeout: 15_000 })
    .toEqual([])

  const { url, errors, data } = await cdp.send('Page.getAppManifest')
  expect(url).toMatch(/\/manifest\.webmanifest$/)
  expect(errors).toEqual([])
  const manifest = JSON.parse(data ?? '{}') as {
    id: string
    name: string
    short_name: string
    start_url: string
    scope: string
    display: string
    icons: ManifestImage[]
    screenshots: ManifestImage[]
    shortcuts: { name: string; url: string; icons?: ManifestImage[] }[]
  }
  expect(manifest).toMatchObject({ id: '/', name: 'Parley', short_name: 'Parley', start_url: '/conversations', scope: '/', display: 'standalone' })
  expect(manifest.shortcuts.map((s) => [s.name, s.url])).toEqual([
    ['Conversations', '/conversations'],
    ['Picklist', '/picklist'],
  ])
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']))
  expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true)
  expect(manifest.screenshots.map((s) => s.form_factor).sort()).toEqual(['narrow', 'wide'])

  // Every image it names answers 200 as an image.
  const images = [...manifest.icons, ...manifest.screenshots, ...manifest.shortcuts.flatMap((s) => s.icons ?? [])]
  for (const image of images) {
    const res = await request.get(new URL(image.src, url).href)
    expect(res.status(), image.src).toBe(200)
    expect(res.headers()['content-type'], image.src).toMatch(/^image\/png/)
  }

  // Chromium offers installing (beforeinstallprompt): Settings has the button.
  await page.getByRole('link', { name: 'Settings' }).first().click()
  await expect(page.getByRole('button', { name: 'Install Parley' })).toBeVisible()
  await context.close()
})
