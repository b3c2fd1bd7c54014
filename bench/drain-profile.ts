// Where the outbox drain's time goes (not a bench row): the bench's drain (1,000 messages written to
// the outbox offline, then a reload online) on a built app, printing each request of the page and
// its service worker (server wait = responseStart - requestStart; when it started), the socket frames
// by type, and the drain time. Usage, after `npx vite build`:
//   node --import tsx bench/drain-profile.ts
//   RTT=150 ...             adds round-trip time (DevTools network emulation)
//   PROFILE=1 ...           also writes the page's CPU profile to /tmp/drainprof/page.cpuprofile
//   APP=dir ...             another build (e.g. `npx vite build --minify false --outDir dir`)
//   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/drainprof" ...   the server's CPU profile too
import { randomUUID } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { agentIdOf, seedAgents, seedThread, startChat, threadOf } from './lib/seed.js'
import { startParley } from './lib/server.js'
import { nowMs, sleep } from './lib/stats.js'

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const rtt = Number(process.env.RTT ?? 0)
const profile = process.env.PROFILE === '1'
const n = 1000
const staticDir = mkdtempSync(join(tmpdir(), 'parley-prof-app-'))
cpSync(process.env.APP ?? 'dist', staticDir, { recursive: true })
const server = await startParley(undefined, undefined, { STATIC_DIR: staticDir })
const { cookies } = await seedAgents(server, 1, 1)
const cookie = cookies[0]!
const agentId = await agentIdOf(server.url, cookie)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS })
const chat = await startChat(server.url, 'bench-0', 'Outbox Customer')
await seedThread(server, chat.id, agentId, 0)
const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
await context.addCookies([{ name: 'parley_session', value: cookie, url: server.url }])
const page = await context.newPage()
await page.goto(`${server.url}/conversations`)
await page.getByRole('navigation', { name: 'Main' }).waitFor()
await sleep(1000)
await context.setOffline(true)
const items = Array.from({ length: n }, (_, i) => ({ clientId: randomUUID(), conversationId: chat.id, kind: 'message', text: `Queued ${i + 1}`, createdAt: Date.now() + i, status: 'pending', attempts: 0 }))
await page.evaluate(async (rows) => {
  const db = await new Promise<IDBDatabase>((ok, fail) => { const r = indexedDB.open('parley'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error) })
  await new Promise<void>((ok, fail) => { const tx = db.transaction('outbox', 'readwrite'); for (const row of rows) tx.objectStore('outbox').put(row); tx.oncomplete = () => ok(); tx.onerror = () => fail(tx.error) })
  db.close()
}, items)
await context.setOffline(false)
const cdp = await context.newCDPSession(page)
await cdp.send('Network.enable')
const frames = new Map<string, { n: number; bytes: number }>()
cdp.on('Network.webSocketFrameReceived', (e: { response: { payloadData: string } }) => {
  if (!t0) return
  let type = '?'
  try { const f = JSON.parse(e.response.payloadData); type = f.type === 'event' ? `event:${f.event?.type}` : f.type } catch { /* */ }
  const c = frames.get(type) ?? { n: 0, bytes: 0 }
  c.n++; c.bytes += e.response.payloadData.length
  frames.set(type, c)
})
if (rtt) await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: rtt, downloadThroughput: -1, uploadThroughput: -1 })
const events: string[] = []
let t0 = 0
let t0wall = 0
const at = () => (nowMs() - t0).toFixed(0).padStart(6)
const starts = new Map<unknown, number>()
context.on('request', (r) => { starts.set(r, nowMs()); if (t0) events.push(`${at()} req  ${r.method()} ${r.url().replace(server.url, '')}${r.serviceWorker() ? ' [SW]' : ''}`) })
context.on('requestfinished', (r) => { if (!t0) return; const t = r.timing(); events.push(`${at()} done ${r.method()} ${r.url().replace(server.url, '').slice(0, 40)} wait ${(t.responseStart - t.requestStart).toFixed(0)} total ${t.responseEnd.toFixed(0)} ms; startedAt ${(t.startTime - t0wall).toFixed(0)}`) })
page.on('load', () => events.push(`${at()} load`))
page.on('domcontentloaded', () => events.push(`${at()} DOMContentLoaded`))
page.on('console', (m) => events.push(`${at()} console ${m.text().slice(0, 200)}`))
if (profile) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 500 }); await cdp.send('Profiler.start') }
t0 = nowMs()
t0wall = Date.now()
await page.reload({ waitUntil: 'commit' })
let done = NaN
let stored = 0
while (nowMs() - t0 < 120_000) {
  const s = await threadOf(server, chat.id)
  stored = s.length
  const count = await page.evaluate(() => new Promise<number>((ok) => { const r = indexedDB.open('parley'); r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox').count(); q.onsuccess = () => { ok(q.result); r.result.close() }; q.onerror = () => ok(-1) }; r.onerror = () => ok(-1) })).catch(() => -1)
  if (stored >= n && count === 0) { done = nowMs() - t0; break }
  await sleep(100)
}
events.push(`${at()} DONE stored=${stored}`)
if (profile) {
  const { profile: p } = await cdp.send('Profiler.stop')
  mkdirSync('/tmp/drainprof', { recursive: true })
  writeFileSync('/tmp/drainprof/page.cpuprofile', JSON.stringify(p))
}
console.log(events.join('\n'))
console.log('frames', JSON.stringify([...frames]))
console.log('drain ms', done.toFixed(0))
await browser.close()
await server.stop()
rmSync(staticDir, { recursive: true, force: true })
process.exit(0)
