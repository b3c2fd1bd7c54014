import { defineConfig, devices } from '@playwright/test'

// End-to-end tests run the built app on the real server (npm run build first) in Debian's
// Chromium. Never `npx playwright install`: CHROMIUM_PATH or /usr/bin/chromium is used.
const port = Number(process.env.E2E_PORT ?? 8181)
const dataDir = `.tmp/e2e-${process.pid}`
// Parallel work on one machine can build into its own folders: E2E_SERVER (server entry) and
// E2E_STATIC_DIR (the built app); by default the one build, server/dist and dist.
const serverEntry = process.env.E2E_SERVER ?? 'server/dist/main.js'
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
]

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  // CI shares a small machine: one retry absorbs a timing flake, and Playwright still reports it as flaky.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
  },
  projects: [
    { name: 'phone', use: { ...devices['Pixel 7'], viewport: { width: 390, height: 844 }, browserName: 'chromium' } },
    // The main flows again in a desktop browser.
    { name: 'desktop', testMatch: /(foundation|media|customer-media|agent-day-workspace|customer-embed)\.spec\.ts/, use: { viewport: { width: 1280, height: 800 }, browserName: 'chromium' } },
  ],
  webServer: {
    command: `rm -rf ${dataDir} && node ${serverEntry}`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: 'e2e-admin-pass',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      CHAT_START_LIMIT: '1000',
      OFFER_SECONDS: '6',
      // The suite signs in many times a minute from one address.
      LOGIN_LIMIT: '1000',
      // Device lists are tested with endpoints on .invalid hosts (RFC 6761: they never resolve).
      PUSH_SERVICE_HOSTS: 'default,push.invalid,push.example.invalid',
      LOG_LEVEL: 'warn',
      ...(process.env.E2E_STATIC_DIR ? { STATIC_DIR: process.env.E2E_STATIC_DIR } : {}),
      ...(process.env.TEST_DATABASE_URL ? { DATABASE_URL: process.env.TEST_DATABASE_URL } : {}),
    },
  },
})
