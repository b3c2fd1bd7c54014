// `npm run screenshots`: every screen at phone and desktop size into screenshots/ (not committed),
// with a check that touch targets are at least 44 px on the phone.
import { defineConfig } from '@playwright/test'
import base from './playwright.config'

export default defineConfig({
  ...base,
  testDir: 'e2e/screens',
  testMatch: /.*\.shots\.ts/,
  projects: [
    { name: 'phone', use: { ...base.use, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 } },
    { name: 'desktop', use: { ...base.use, viewport: { width: 1280, height: 800 } } },
  ],
})
