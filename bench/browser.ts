// Benchmarks 4–6 of issue 7 in a real browser, on the built app served by a real Parley server:
// Lighthouse mobile (beside a blank page from the same server), a 10,000-message conversation
// (beside a 200-message one) and the outbox drain (beside the same sends from Node).
import { randomUUID } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { launch as launchChrome } from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { chromium, type Browser, type Page } from 'playwright-core'
import { agentIdOf, seedAgents, seedThread, startChat, threadOf } from './lib/seed.js'
import { ROOT, startParley, type Parley } from './lib/server.js'
import { fmt, nowMs, sleep } from './lib/stats.js'
import { skipped, type Row } from './lib/table.js'

export const BROWSER = { longMessages: 10_000, refMessages: 200, drain: 1000, rowBudget: 60, scoreBudget: 95 }
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// The flags of playwright.config.ts (the e2e tests).
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const BLANK = 'bench-blank.html'

type Log = (s: string) => void

/** The built app (BENCH_STATIC_DIR, else dist/), or null when there is none. */
export function builtApp(): string | null {
  const dir = resolve(ROOT, process.env.BENCH_STATIC_DIR ?? 'dist')
  return existsSync(join(dir, 'index.html')) ? dir : null
}

interface Setup {
  server: Parley
  /** A copy of the build with the blank reference page beside it. */
  staticDir: string
  cookie: string
  agentId: string
}

async function setup(appDir: string, databaseUrl?: string): Promise<Setup> {
  const staticDir = mkdtempSync(join(tmpdir(), 'parley-bench-app-'))
  cpSync(appDir, staticDir, { recursive: true })
  writeFileSync(join(staticDir, BLANK), '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Blank</title></head><body><p>Blank</p></body></html>\n')
  const server = await startParley(databaseUrl, undefined, { STATIC_DIR: staticDir })
  const { cookies } = await seedAgents(server, 1, 1)
  const cookie = cookies[0]!
  return { server, staticDir, cookie, agentId: await agentIdOf(server.url, cookie) }
}

// ---------------------------------------------------------------- Lighthouse

interface LighthouseFigures { score: number; fcp: number; lcp: number; tbt: number; cls: number }

/** How a page is visited: a first visit (storage and caches cleared), or a returning agent's. */
type Visit = 'first' | 'returning'

/**
 * Lighthouse mobile on `url`. A `returning` visit runs one unmeasured pass first on the same browser
 * with storage kept (the service worker installed, IndexedDB filled, the user remembered: an agent
 * who has used Parley on this phone before), then the measured pass, again without clearing storage.
 * Lighthouse sometimes loses the trace on this shared machine (NO_NAVSTART): one more try then.
 */
async function runLighthouse(url: string, cookie?: string, visit: Visit = 'first'): Promise<LighthouseFigures> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await lighthouseOnce(url, cookie, visit)
    } catch (e) {
      if (attempt >= 2 || !String((e as Error)?.message).includes('NO_NAVSTART')) throw e
    }
  }
}

async function lighthouseOnce(url: string, cookie: string | undefined, visit: Visit): Promise<LighthouseFigures> {
  const chrome = await launchChrome({ chromePath: CHROMIUM, chromeFlags: ['--headless=new', ...FLAGS] })
  try {
    const options = {
      port: chrome.port, output: 'json' as const, logLevel: 'error' as const, onlyCategories: ['performance'],
      formFactor: 'mobile' as const, throttlingMethod: 'simulate' as const,
      ...(visit === 'returning' ? { disableStorageReset: true } : {}),
      ...(cookie ? { extraHeaders: { Cookie: `parley_session=${cookie}` } } : {}),
    }
    if (visit === 'returning') {
      await lighthouse(url, options)
      // What the first visit started (the offline copy of the lists and threads) settles.
      await sleep(3000)
    }
    const result = await lighthouse(url, options)
    const lhr = result?.lhr
    if (!lhr) throw new Error('Lighthouse gave no result')
    if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.message}`)
    // For a closer look (long tasks, script timings): BENCH_LIGHTHOUSE_DIR=/tmp/lh keeps each report.
    const dumpDir = process.env.BENCH_LIGHTHOUSE_DIR
    if (dumpDir) writeFileSync(join(dumpDir, `${new URL(url).pathname.replace(/\W+/g, '_')}-${visit}-${Date.now()}.json`), JSON.stringify(lhr))
    const audit = (id: string) => lhr.audits[id]?.numericValue ?? NaN
    return {
      score: Math.round((lhr.categories.performance?.score ?? NaN) * 100),
      fcp: audit('first-contentful-paint'), lcp: audit('largest-contentful-paint'),
      tbt: audit('total-blocking-time'), cls: audit('cumulative-layout-shift'),
    }
  } finally {
    chrome.kill()
  }
}

const LIGHTHOUSE_RUNS = Math.max(1, Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 1) || 1)

const secs = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '—')
const vitals = (f: LighthouseFigures) => `FCP ${secs(f.fcp)}, LCP ${secs(f.lcp)}, TBT ${Math.round(f.tbt)} ms, CLS ${f.cls.toFixed(3)}`

/** Chats this agent has picked, each with a short thread, so the list and a conversation have rows to paint. */
async function seedInbox(s: Setup): Promise<string> {
  let first = ''
  for (let i = 0; i < 8; i++) {
    const chat = await startChat(s.server.url, 'bench-0', `Inbox Customer ${i + 1}`)
    await seedThread(s.server, chat.id, s.agentId, 30)
    first ||= chat.id
  }
  return first
}

async function lighthouseRows(s: Setup, log: Log): Promise<Row[]> {
  const open = await seedInbox(s)
  log('browser: Lighthouse, blank page (reference)')
  const blank = await runLighthouse(`${s.server.url}/${BLANK}`)
  const pages: [string, string, string | undefined, Visit][] = [
    ['sign-in page (cold start)', '/login', undefined, 'first'],
    ['Conversations, signed in (first visit on this phone)', '/conversations', s.cookie, 'first'],
    ['Conversations, signed in (returning)', '/conversations', s.cookie, 'returning'],
    ['open conversation, signed in (returning)', `/conversations/${open}`, s.cookie, 'returning'],
  ]
  const rows: Row[] = []
  for (const [name, path, cookie, visit] of pages) {
    // BENCH_LIGHTHOUSE_RUNS=n: each page n times, the run with the median score counts (a busy machine).
    const runs: LighthouseFigures[] = []
    for (let i = 0; i < LIGHTHOUSE_RUNS; i++) {
      log(`browser: Lighthouse, ${name}${LIGHTHOUSE_RUNS > 1 ? ` (run ${i + 1} of ${LIGHTHOUSE_RUNS})` : ''}`)
      runs.push(await runLighthouse(s.server.url + path, cookie, visit))
    }
    const f = [...runs].sort((a, b) => a.score - b.score)[Math.floor(runs.length / 2)]!
    const bench = 'Lighthouse mobile (simulated throttling)'
    rows.push({
      bench, db: 'browser', metric: `performance score, ${name}`, value: String(f.score), reference: 'blank page, same server', refValue: String(blank.score),
      compare: `${f.score - blank.score >= 0 ? '+' : '−'}${Math.abs(f.score - blank.score)}`,
      budget: `${f.score >= BROWSER.scoreBudget ? 'pass' : 'FAIL'} (≥ ${BROWSER.scoreBudget})`, raw: { page: path, visit, ...f, blank, scores: runs.map((r) => r.score) },
    }, {
      bench, db: 'browser', metric: `FCP, LCP, TBT, CLS, ${name}`, value: vitals(f), reference: 'blank page, same server', refValue: vitals(blank),
      compare: `LCP +${secs(f.lcp - blank.lcp)}`, budget: '', raw: { page: path, visit, ...f, blank },
    })
  }
  return rows
}

// ---------------------------------------------------------------- Long conversation

interface ThreadFigures { firstPaintMs: number; rows: number; prependMs: number; jumpPx: number; older: boolean }

async function openThread(page: Page, url: string, id: string, last: number, first: number): Promise<ThreadFigures> {
  await page.goto(`${url}/conversations/${id}`, { waitUntil: 'commit' })
  // Navigation start → the frame where the newest message is inside the log's visible area.
  const firstPaintMs = await (await page.waitForFunction((text) => {
    const log = document.querySelector('[role=log]')
    if (!log) return false
    const box = log.getBoundingClientRect()
    const p = [...log.querySelectorAll('.bubble .text')].find((n) => n.textContent === text)
    if (!p) return false
    const r = p.getBoundingClientRect()
    return r.top >= box.top && r.bottom <= box.bottom + 1 ? performance.now() : false
  }, `Message ${last}`, { polling: 'raf', timeout: 30_000 })).jsonValue() as number
  await sleep(500)
  const rows = await page.locator('[role=log] [data-index]').count()

  // Near the top of what is loaded, but not in the zone that loads more; note the first visible
  // message; then to the top, which loads the older page.
  const log = page.locator('[role=log]')
  await log.evaluate((el) => el.scrollTo({ top: 200 }))
  await sleep(300)
  const { before, scrolled } = await log.evaluate((el) => {
    const top = el.getBoundingClientRect().top
    const p = [...el.querySelectorAll('.bubble .text')].find((n) => n.getBoundingClientRect().bottom > top)
    return { before: p ? { text: p.textContent ?? '', y: p.getBoundingClientRect().top - top } : null, scrolled: el.scrollTop }
  })
  if (!before) throw new Error('no message on screen')
  const oldest = first - 1
  const t0 = await log.evaluate((el) => { el.scrollTop = 0; return performance.now() })
  const prependMs = await (await page.waitForFunction((text) => {
    const status = [...document.querySelectorAll('[role=status]')].some((n) => n.textContent?.includes('Loading earlier messages'))
    const there = [...document.querySelectorAll('[role=log] .bubble .text')].some((n) => n.textContent === text || n.textContent?.startsWith(`${text}:`))
    return !status && there ? performance.now() : false
  }, `Message ${oldest}`, { polling: 'raf', timeout: 30_000 })).jsonValue() as number
  await sleep(1000)
  const after = await page.evaluate((text) => {
    const log = document.querySelector('[role=log]')!
    const p = [...log.querySelectorAll('.bubble .text')].find((n) => n.textContent === text)
    return p ? p.getBoundingClientRect().top - log.getBoundingClientRect().top : null
  }, before.text)
  return {
    firstPaintMs, rows, prependMs: prependMs - t0,
    // Where it should be: where it was, moved down by the distance scrolled to the top.
    jumpPx: after === null ? NaN : after - (before.y + scrolled), older: true,
  }
}

async function longThreadRows(s: Setup, browser: Browser, log: Log): Promise<Row[]> {
  const big = await startChat(s.server.url, 'bench-0', 'Long Thread Customer')
  const small = await startChat(s.server.url, 'bench-0', 'Short Thread Customer')
  log(`browser: seeding ${BROWSER.longMessages.toLocaleString('en-US')} + ${BROWSER.refMessages} messages`)
  await seedThread(s.server, big.id, s.agentId, BROWSER.longMessages)
  await seedThread(s.server, small.id, s.agentId, BROWSER.refMessages)

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2.625, isMobile: true, hasTouch: true })
  try {
    await context.addCookies([{ name: 'parley_session', value: s.cookie, url: s.server.url }])
    const page = await context.newPage()
    // Warm-up: the app's files in the HTTP cache (and the service worker installed), as for an agent who has opened it before.
    await page.goto(`${s.server.url}/conversations`)
    await page.getByRole('navigation', { name: 'Main' }).waitFor()
    await sleep(1000)
    log('browser: long conversation, 200 messages (reference)')
    // The app shows the newest page of 100; the older page starts at seq n − 100.
    const ref = await openThread(page, s.server.url, small.id, BROWSER.refMessages, BROWSER.refMessages - 99)
    log(`browser: long conversation, ${BROWSER.longMessages.toLocaleString('en-US')} messages`)
    const long = await openThread(page, s.server.url, big.id, BROWSER.longMessages, BROWSER.longMessages - 99)
    const bench = 'long conversation'
    const n = BROWSER.longMessages.toLocaleString('en-US')
    const ms = (v: number) => fmt.ms(v)
    const jump = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} px` : '—')
    const reference = `${BROWSER.refMessages} messages`
    return [
      { bench, db: 'browser', metric: `${n} messages: time to first paint (navigation → newest message on screen)`, value: ms(long.firstPaintMs), reference, refValue: ms(ref.firstPaintMs), compare: fmt.ratio(long.firstPaintMs / ref.firstPaintMs), budget: '', raw: { long, ref } },
      { bench, db: 'browser', metric: `${n} messages: rows in the DOM`, value: String(long.rows), reference, refValue: String(ref.rows), compare: '', budget: `${long.rows <= BROWSER.rowBudget ? 'pass' : 'FAIL'} (≤ ${BROWSER.rowBudget})`, raw: { long: long.rows, ref: ref.rows } },
      { bench, db: 'browser', metric: 'prepend the older page (100 messages): time', value: ms(long.prependMs), reference, refValue: ms(ref.prependMs), compare: fmt.ratio(long.prependMs / ref.prependMs), budget: '', raw: { long: long.prependMs, ref: ref.prependMs } },
      { bench, db: 'browser', metric: 'prepend the older page: scroll jump of the first visible message', value: jump(long.jumpPx), reference, refValue: jump(ref.jumpPx), compare: '', budget: `${Math.abs(long.jumpPx) <= 1 ? 'pass' : 'FAIL'} (0 ± 1 px)`, raw: { long: long.jumpPx, ref: ref.jumpPx } },
    ]
  } finally {
    await context.close()
  }
}

// ---------------------------------------------------------------- Outbox drain

/** The issue's budgets for the drain: on loopback, and with 150 ms of added round-trip time. */
const DRAIN_BUDGET_MS = { loopback: 5000, slow: 15_000 }
const ADDED_RTT_MS = 150

interface Drain { doneMs: number; stored: number; inOrder: boolean; duplicates: number }

/**
 * 1,000 items in the outbox of a fresh conversation, written offline; then online, the page
 * reloads and the clock runs until the server holds them all and the outbox is empty.
 * `addedRttMs`: DevTools network emulation adds that much round-trip time to the page's requests.
 */
async function drainOnce(s: Setup, browser: Browser, log: Log, texts: string[], addedRttMs = 0): Promise<Drain> {
  const n = texts.length
  const chat = await startChat(s.server.url, 'bench-0', `Outbox Customer${addedRttMs ? ' (slow network)' : ''}`)
  await seedThread(s.server, chat.id, s.agentId, 0)
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  try {
    await context.addCookies([{ name: 'parley_session', value: s.cookie, url: s.server.url }])
    const page = await context.newPage()
    await page.goto(`${s.server.url}/conversations`)
    await page.getByRole('navigation', { name: 'Main' }).waitFor()
    await sleep(1000)
    await context.setOffline(true)
    log(`browser: outbox drain${addedRttMs ? ` (+${addedRttMs} ms round trip)` : ''}, ${n} messages written to the outbox offline`)
    const items = texts.map((text, i) => ({ clientId: randomUUID(), conversationId: chat.id, kind: 'message', text, createdAt: Date.now() + i, status: 'pending', attempts: 0 }))
    await page.evaluate(async (rows) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('parley')
        r.onsuccess = () => ok(r.result)
        r.onerror = () => fail(r.error)
      })
      await new Promise<void>((ok, fail) => {
        const tx = db.transaction('outbox', 'readwrite')
        for (const row of rows) tx.objectStore('outbox').put(row)
        tx.oncomplete = () => ok()
        tx.onerror = () => fail(tx.error)
      })
      db.close()
    }, items)
    await context.setOffline(false)
    if (addedRttMs) {
      const cdp = await context.newCDPSession(page)
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: addedRttMs, downloadThroughput: -1, uploadThroughput: -1 })
    }
    const t0 = nowMs()
    await page.reload({ waitUntil: 'commit' })
    const outboxCount = () => page.evaluate(() => new Promise<number>((ok) => {
      const r = indexedDB.open('parley')
      r.onsuccess = () => {
        const q = r.result.transaction('outbox').objectStore('outbox').count()
        q.onsuccess = () => { ok(q.result); r.result.close() }
        q.onerror = () => ok(-1)
      }
      r.onerror = () => ok(-1)
    })).catch(() => -1)
    let stored: Awaited<ReturnType<typeof threadOf>> = []
    let doneMs = NaN
    const deadline = t0 + 120_000
    while (nowMs() < deadline) {
      stored = await threadOf(s.server, chat.id)
      if (stored.length >= n && (await outboxCount()) === 0) { doneMs = nowMs() - t0; break }
      await sleep(100)
    }
    // In order and once each: the stored thread is exactly the queued items, in the order queued.
    const inOrder = stored.length === n && stored.every((m, i) => m.clientId === items[i]!.clientId && m.text === items[i]!.text)
    return { doneMs, stored: stored.length, inOrder, duplicates: stored.length - new Set(stored.map((m) => m.clientId)).size }
  } finally {
    await context.close()
  }
}

async function drainRows(s: Setup, browser: Browser, log: Log): Promise<Row[]> {
  const n = BROWSER.drain
  const refChat = await startChat(s.server.url, 'bench-0', 'Outbox Reference Customer')
  await seedThread(s.server, refChat.id, s.agentId, 0)
  const texts = Array.from({ length: n }, (_, i) => `Queued ${i + 1}`)

  // Reference: the same sends from Node, one after the other.
  log(`browser: ${n} sends from Node (reference)`)
  const r0 = nowMs()
  for (const text of texts) {
    const res = await fetch(`${s.server.url}/api/conversations/${refChat.id}/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: `parley_session=${s.cookie}` },
      body: JSON.stringify({ clientId: randomUUID(), text }), signal: AbortSignal.timeout(10_000),
    })
    if (!res.ok) throw new Error(`reference send: ${res.status} ${await res.text()}`)
    await res.arrayBuffer()
  }
  const refMs = nowMs() - r0

  const rate = (ms: number) => (n / ms) * 1000
  const describe = (d: Drain) => Number.isFinite(d.doneMs)
    ? `${secs(d.doneMs)} (${fmt.rate(rate(d.doneMs))}); ${d.inOrder ? 'in order, once each' : `NOT in order (${d.stored} stored, ${d.duplicates} duplicates)`}`
    : `not done in 120 s (${d.stored} of ${n} stored)`
  const verdict = (d: Drain, budgetMs: number) =>
    `${d.doneMs <= budgetMs ? 'pass' : 'FAIL'} (≤ ${secs(budgetMs)}); in order, once: ${d.inOrder ? 'pass' : 'FAIL'}`
  const loopback = await drainOnce(s, browser, log, texts)
  const slow = await drainOnce(s, browser, log, texts, ADDED_RTT_MS)
  const reference = `${n.toLocaleString('en-US')} sends from Node, one sender`
  return [{
    bench: 'outbox drain', db: 'browser', metric: `${n.toLocaleString('en-US')} queued offline, then online: time until all acknowledged`, value: describe(loopback),
    reference, refValue: `${secs(refMs)} (${fmt.rate(rate(refMs))})`,
    compare: fmt.ratio(loopback.doneMs / refMs), budget: verdict(loopback, DRAIN_BUDGET_MS.loopback),
    raw: { ...loopback, drainMs: loopback.doneMs, refMs },
  }, {
    bench: 'outbox drain', db: 'browser', metric: `the same with ${ADDED_RTT_MS} ms added round-trip time (DevTools network emulation)`, value: describe(slow),
    reference: 'loopback, same run', refValue: describe(loopback),
    compare: fmt.ratio(slow.doneMs / loopback.doneMs), budget: verdict(slow, DRAIN_BUDGET_MS.slow),
    raw: { ...slow, drainMs: slow.doneMs, addedRttMs: ADDED_RTT_MS },
  }]
}

// ---------------------------------------------------------------- All of them

export type BrowserPart = 'lighthouse' | 'long' | 'outbox'

export const browserSkipped = (why: string, parts: BrowserPart[] = ['lighthouse', 'long', 'outbox']): Row[] => [
  ...(parts.includes('lighthouse') ? skipped('Lighthouse mobile (simulated throttling)', 'browser', [['performance score', `≥ ${BROWSER.scoreBudget}`], 'FCP, LCP, TBT, CLS'], why) : []),
  ...(parts.includes('long') ? skipped('long conversation', 'browser', ['10,000 messages: time to first paint', ['10,000 messages: rows in the DOM', `≤ ${BROWSER.rowBudget}`], 'prepend the older page: time, scroll jump'], why) : []),
  ...(parts.includes('outbox') ? skipped('outbox drain', 'browser', ['1,000 queued messages: time until all acknowledged, in order, once', `the same with ${ADDED_RTT_MS} ms added round-trip time`], why) : []),
]

/** The browser rows, on one SQLite server serving the build; a part that fails becomes a row saying so. */
export async function browserRows(log: Log, parts: BrowserPart[]): Promise<Row[]> {
  const app = builtApp()
  if (!app) return browserSkipped('no build: run npm run build first (or set BENCH_STATIC_DIR)', parts)
  if (!existsSync(CHROMIUM)) return browserSkipped(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`, parts)
  const s = await setup(app)
  const rows: Row[] = []
  const attempt = async (part: BrowserPart, fn: () => Promise<Row[]>) => {
    if (!parts.includes(part)) return
    try {
      rows.push(...(await fn()))
    } catch (err) {
      const why = `failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`
      log(`browser: ${part} ${why}`)
      rows.push(...browserSkipped(why, [part]))
    }
  }
  try {
    await attempt('lighthouse', () => lighthouseRows(s, log))
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
    try {
      await attempt('long', () => longThreadRows(s, browser, log))
      await attempt('outbox', () => drainRows(s, browser, log))
    } finally {
      await browser.close()
    }
  } finally {
    await s.server.stop()
    rmSync(s.staticDir, { recursive: true, force: true })
  }
  return rows
}
