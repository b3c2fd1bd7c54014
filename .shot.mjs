import { chromium } from 'playwright'
const [,, url, out, w = '390', h = '844'] = process.argv
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
const p = await b.newPage({ viewport: { width: +w, height: +h } })
await p.goto('http://127.0.0.1:8196/login')
await p.getByLabel('Username').fill('admin'); await p.getByLabel('Password', { exact: true }).fill('e2e-admin-pass')
await p.getByRole('button', { name: 'Sign in' }).click(); await p.waitForTimeout(1500)
for (const [i, u] of url.split(',').entries()) { await p.goto('http://127.0.0.1:8196' + u); await p.waitForTimeout(1200); await p.screenshot({ path: `${out}-${i}.png`, fullPage: false }) }
await b.close()
