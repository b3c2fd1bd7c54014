// `npm run bench`: the server-side benchmarks of issue 7, each figure beside its reference
// measured in the same run. Prints one table and writes bench/results/<timestamp>.json.
// PostgreSQL rows need TEST_DATABASE_URL (scripts/with-postgres.sh npm run bench starts one).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { browserRows, browserSkipped, type BrowserPart } from './browser.js'
import { clientRows } from './client.js'
import { DELIVERY, deliveryBench, deliveryRows, measureDelivery, parleySender, relaySender, type DeliveryResult } from './delivery.js'
import { fanoutBench, fanoutRows, measureFanout } from './fanout.js'
import { COLD_ROUNDS, footprintRows, measureColdStarts, type Footprint } from './footprint.js'
import { Farm } from './lib/farm.js'
import { freshSchema, serverVersion } from './lib/pg.js'
import { checkAgent, seedAgents, startChats } from './lib/seed.js'
import { ROOT, ensureServerBuild, spawnServer, startParley } from './lib/server.js'
import { nowMs, sleep } from './lib/stats.js'
import { renderTable, skipped, type Row } from './lib/table.js'
import { THROUGHPUT, measureThroughput, measureThroughputSpread, spreadThroughputRows, throughputRows, type ThroughputResult } from './throughput.js'
import { capacityRows, measureCapacity } from './capacity.js'
import { measureReplayBlock, replayRows } from './eventloop.js'
import { HEIC, healthDuringHeic, heicDeliveryRows, heicHealthRows, makeHeic, uploadPhoto } from './heic.js'
import { searchBench, searchSkipped } from './search.js'

// BENCH_LIMIT_MINUTES bounds the whole run (20 by default: the capacity and HEIC rows take minutes on a busy machine).
const LIMIT_MS = (Number(process.env.BENCH_LIMIT_MINUTES) || 20) * 60_000
const started = nowMs()
// Other work on the machine skews every figure: the load average before and after says how much.
const loadBefore = loadavg()[0]!
const log = (s: string) => process.stderr.write(`[bench ${((nowMs() - started) / 1000).toFixed(0).padStart(3)} s] ${s}\n`)
// The whole run is bounded: past the limit, stop everything (the servers die with this process).
setTimeout(() => { log(`over ${LIMIT_MS / 60_000} minutes: stopping`); process.exit(2) }, LIMIT_MS).unref()

const pgBase = process.env.TEST_DATABASE_URL || undefined
// `npm run bench -- --only=client,browser` runs only some parts: sqlite, postgres, client (bundle
// sizes), browser (= lighthouse, long, outbox), heic (its rows inside the sqlite/postgres parts),
// capacity, eventloop (health latency while sockets replay). Without it, everything.
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)
const only = new Set((onlyArg ?? '').split(',').map((s) => s.trim()).filter(Boolean))
if (only.has('browser')) ['lighthouse', 'long', 'outbox'].forEach((p) => only.add(p))
const want = (name: string) => only.size === 0 || only.has(name)
// The HEIC rows run inside the database parts: asked for alone, they bring the SQLite part.
if (only.has('heic') && !only.has('postgres')) only.add('sqlite')
// The client rows measure the built app: on a fresh clone, build it first (about a minute).
if ((want('client') || want('lighthouse') || want('long') || want('outbox')) && !process.env.BENCH_STATIC_DIR && !existsSync(join(ROOT, 'dist', 'index.html'))) {
  log('no build in dist/: building the app (vite build)')
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
}
// The server parts measure the built server as production runs it: build it first when stale.
if (want('sqlite') || want('postgres') || want('capacity') || want('eventloop') || want('lighthouse') || want('long') || want('outbox')) {
  ensureServerBuild(process.env.BENCH_PARLEY_DIR ?? ROOT, log)
}
const rows: Row[] = []
const farm = Farm.start()
const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws') + '/api/ws'

/** Runs one part; a failure becomes rows saying so instead of ending the run. */
async function part<T>(name: string, fn: () => Promise<T>, onFail: (why: string) => Row[]): Promise<T | undefined> {
  log(name)
  try {
    return await fn()
  } catch (err) {
    const why = `failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`
    log(`${name} ${why}`)
    console.error(err)
    rows.push(...onFail(why))
    return undefined
  }
}

// The bare Fastify process (throughput, start, idle RSS); the bare ws relay runs beside each Parley run.
const refs = !(want('sqlite') || want('postgres')) ? undefined : await part('references: bare Fastify route', async () => {
  const noop = await spawnServer('bench/servers/noop.mjs', {}, '/health')
  try {
    await sleep(2000)
    const idleRss = noop.rss()
    await measureThroughput(noop.url, '/noop', [], 5000) // warm-up
    const throughput = await measureThroughput(noop.url, '/noop', [], THROUGHPUT.referenceAmount)
    return { noop: { idleRss }, throughput }
  } finally {
    await noop.stop()
  }
}, (why) => skipped('references', '—', ['bare Fastify route'], why))

const NONE: DeliveryResult = { count: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN, missing: 0, groups: {}, sent: 0, failed: 0, failures: {}, lagMs: NaN }
const NO_TP: ThroughputResult = { perSecond: NaN, ok: 0, non2xx: 0, errors: 0, seconds: 0, latencyP99: NaN }

/**
 * The bare ws relay in a layout, with the same sockets, rate and sender as Parley's run that
 * follows it (so the two are measured in the same minute), and its RSS with the sockets.
 */
async function relayRun(queues: number): Promise<{ delivery: DeliveryResult; rss: number }> {
  log(`bare ws relay, ${queues} queue${queues > 1 ? 's' : ''}`)
  try {
    const r = await spawnServer('bench/servers/relay.mjs', {}, '/health')
    try {
      await farm.connect(wsUrl(r.url).replace('/api/ws', '/'), DELIVERY.sockets, { hello: false, rooms: queues })
      await sleep(1000)
      const rss = r.rss()
      const delivery = await measureDelivery(farm, queues, relaySender(r.url, queues))
      return { delivery, rss }
    } finally {
      await farm.close()
      await r.stop()
    }
  } catch (err) {
    log(`bare ws relay failed: ${String(err)}`)
    return { delivery: NONE, rss: NaN }
  }
}

let sqliteThroughput: ThroughputResult | undefined
// The 12 MP HEIC photo for the HEIC rows (made once; a string says why there is none).
const photo = want('heic') && (want('sqlite') || want('postgres')) ? await makeHeic().catch((err: unknown) => `failed to make the photo: ${String(err)}`) : undefined

/** Everything measured on one Parley server: footprint, delivery, (HEIC), (fan-out), throughput. */
async function parley(db: 'sqlite' | 'postgres', databaseUrl?: string) {
  // Cold starts first, while nothing else runs: each Parley start on a fresh data directory or schema.
  log(`${db}: cold starts, ${COLD_ROUNDS} alternating rounds`)
  const cold = await measureColdStarts(async () => {
    const schema = db === 'postgres' && pgBase ? await freshSchema(pgBase) : undefined
    const p = await startParley(schema?.url)
    return { coldStartMs: p.coldStartMs, stop: async () => { await p.stop(); await schema?.drop() } }
  }, () => spawnServer('bench/servers/noop.mjs', {}, '/health'))
  const server = await startParley(databaseUrl)
  const out: Row[] = []
  try {
    await sleep(2000)
    const foot: Footprint = { cold, idleRss: server.rss(), rss500: NaN }
    log(`${db}: seeding ${DELIVERY.sockets} agents and ${2 * DELIVERY.conversations + THROUGHPUT.conversations} conversations`)
    const { cookies, addresses } = await seedAgents(server, DELIVERY.sockets, DELIVERY.queues)
    await checkAgent(server.url, cookies[0]!)
    const tokens = await startChats(server.url, DELIVERY.conversations, addresses)
    const tokensAll = await startChats(server.url, DELIVERY.conversations, ['bench-all'])
    const tpTokens = await startChats(server.url, THROUGHPUT.conversations, addresses)
    const heicTokens = photo ? await startChats(server.url, HEIC.concurrent + 1, addresses) : []

    const relaySplit = await relayRun(DELIVERY.queues)
    log(`${db}: connecting ${DELIVERY.sockets} agent sockets`)
    await farm.connect(wsUrl(server.url), DELIVERY.sockets, { cookies, hello: true })
    await sleep(1000)
    foot.rss500 = server.rss()
    log(`${db}: delivery latency, ${DELIVERY.queues} queues, ${DELIVERY.rate} msg/s for ${DELIVERY.durationMs / 1000} s`)
    const split = await measureDelivery(farm, DELIVERY.queues, parleySender(server.url, tokens))
    out.push(...deliveryRows(db, DELIVERY.queues, split, relaySplit.delivery))
    if (typeof photo === 'string') {
      out.push(...heicDeliveryRows(db, NaN, NaN, [], ` — ${photo}`))
    } else if (photo) {
      // The same run again, with four photos uploaded at once 3 s in (other conversations' customers).
      // A failure here becomes its row; the part's other rows stay.
      try {
        log(`${db}: delivery latency again, with ${HEIC.concurrent} HEIC uploads at once`)
        await sleep(2000)
        const uploads = sleep(3000).then(() => Promise.all(heicTokens.slice(0, HEIC.concurrent).map((t) => uploadPhoto(server.url, t, photo))))
        const withPhotos = await measureDelivery(farm, DELIVERY.queues, parleySender(server.url, tokens))
        const done = await uploads
        const notes = withPhotos.missing || withPhotos.failed ? ` (${withPhotos.failed} sends failed, ${withPhotos.missing} deliveries missing)` : ''
        out.push(...heicDeliveryRows(db, withPhotos.p99, split.p99, done, notes))
      } catch (err) {
        out.push(...heicDeliveryRows(db, NaN, split.p99, [], ` — failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`))
      }
    }
    await farm.close()

    if (db === 'postgres') {
      log('postgres: fan-out, customer on process A, half the agents on A, half on process B')
      out.push(...fanoutRows(await measureFanout(farm, server, cookies, tokens), relaySplit.delivery.p99))
    }

    // Every message to every agent comes last: it may overload the server, and the other figures
    // should not pay for that.
    const relayAll = await relayRun(1)
    log(`${db}: delivery latency, 1 queue of all agents`)
    await farm.connect(wsUrl(server.url), DELIVERY.sockets, { cookies, hello: true })
    out.push(...deliveryRows(db, 1, await measureDelivery(farm, 1, parleySender(server.url, tokensAll)), relayAll.delivery))
    await farm.close()
    await sleep(2000)

    log(`${db}: send throughput, ${THROUGHPUT.connections} senders`)
    const tp = await measureThroughput(server.url, '/api/public/conversation/messages', tpTokens)
    out.push(...throughputRows(db, tp, refs?.throughput ?? NO_TP))
    if (db === 'sqlite') sqliteThroughput = tp
    if (db === 'postgres') {
      log('postgres: send throughput, the same senders spread over 2 processes')
      const b = await startParley(databaseUrl)
      try {
        // Fresh conversations: the first run used most of its tokens' 120 sends a minute.
        const fresh = await startChats(server.url, THROUGHPUT.conversations, addresses)
        await sleep(1000)
        out.push(...spreadThroughputRows(await measureThroughputSpread([server.url, b.url], '/api/public/conversation/messages', fresh), sqliteThroughput))
      } finally {
        await b.stop()
      }
    }
    if (db === 'sqlite' && photo) {
      log('sqlite: /api/health while one HEIC photo is decoded')
      const health = typeof photo === 'string' ? photo : await healthDuringHeic(server.url, heicTokens[HEIC.concurrent]!, photo)
        .catch((err: unknown) => `failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`)
      out.push(...heicHealthRows(db, health))
    }
    out.push(...footprintRows(db, foot, { noop: refs?.noop ?? { idleRss: NaN }, relayRss500: relaySplit.rss }))
    return out
  } finally {
    await farm.close().catch(() => undefined)
    await server.stop()
  }
}

const dbRows = (db: string, why: string) => [
  ...[DELIVERY.queues, 1].flatMap((q) => skipped(deliveryBench(q), db, ['p50 POST → agent socket', 'p99 POST → agent socket'], why)),
  ...(db === 'postgres' ? skipped(fanoutBench(), db, ['p99, customer on A → agents on B'], why) : []),
  ...skipped(`send throughput, ${THROUGHPUT.connections} senders`, db, ['customer messages accepted'], why),
  ...skipped('server footprint', db, ['cold start, idle RSS, RSS with 500 agent sockets'], why),
]

const sqliteRows = !want('sqlite') ? undefined : await part('sqlite', () => parley('sqlite'), (why) => dbRows('sqlite', why))
if (sqliteRows) rows.push(...sqliteRows)

let pgVersion: string | undefined
if (!want('postgres')) {
  // not asked for
} else if (pgBase) {
  const pgRows = await part('postgres', async () => {
    pgVersion = await serverVersion(pgBase)
    const schema = await freshSchema(pgBase)
    try {
      return await parley('postgres', schema.url)
    } finally {
      await schema.drop().catch(() => undefined)
    }
  }, (why) => dbRows('postgres', why))
  if (pgRows) rows.push(...pgRows)
} else {
  rows.push(...dbRows('postgres', 'skipped: TEST_DATABASE_URL not set (scripts/with-postgres.sh npm run bench)'))
}
if (want('eventloop')) {
  const got = await part('event loop during replays', async () => replayRows(await measureReplayBlock()), (why) => skipped('event loop: replays', 'sqlite', ['slowest /api/health meanwhile'], why))
  if (got) rows.push(...got)
}
if (want('capacity')) {
  const got = await part('capacity', async () => capacityRows(await measureCapacity(farm, log)), (why) => skipped('capacity, 1 process', 'sqlite', ['agent sockets held with delivery p99 < 50 ms'], why))
  if (got) rows.push(...got)
}
farm.stop()
// Search over 100,000 messages (issue 14), both databases, in-process: `--only=search` runs it alone.
if (want('search')) rows.push(...((await part('search', () => searchBench(log, pgBase), (why) => searchSkipped(why))) ?? []))

if (want('client')) rows.push(...clientRows())
const browserParts = (['lighthouse', 'long', 'outbox'] as BrowserPart[]).filter(want)
if (browserParts.length) {
  const got = await part('browser', () => browserRows(log, browserParts), (why) => browserSkipped(why, browserParts))
  if (got) rows.push(...got)
}

// One table, grouped by benchmark.
const order = (r: Row) => {
  const i = ['delivery', 'HEIC during', 'fan-out', 'send throughput', 'HEIC decode', 'event loop', 'server footprint', 'capacity', 'client', 'Lighthouse', 'long', 'outbox', 'references'].findIndex((p) => r.bench.startsWith(p))
  return i < 0 ? 99 : i
}
const firstSeen = new Map<string, number>()
rows.forEach((r, i) => { if (!firstSeen.has(r.bench)) firstSeen.set(r.bench, i) })
rows.sort((a, b) => order(a) - order(b) || firstSeen.get(a.bench)! - firstSeen.get(b.bench)!)
const machine = {
  cpu: cpus()[0]?.model ?? '?',
  nproc: availableParallelism(),
  memoryGB: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  kernel: release(),
  postgres: pgVersion ?? null,
  loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
}
const durationS = (nowMs() - started) / 1000
console.log(renderTable(rows))
console.log(`\n${machine.nproc} CPUs (${machine.cpu}), ${machine.memoryGB} GB, Node ${machine.node}${pgVersion ? `, PostgreSQL ${pgVersion}` : ''}; ` +
  `load average ${machine.loadAverage1m.before} before, ${machine.loadAverage1m.after} after; run took ${durationS.toFixed(0)} s.`)

const stamp = new Date().toISOString().replace(/[:.]/g, '-')
const dir = join(ROOT, 'bench', 'results')
mkdirSync(dir, { recursive: true })
const file = join(dir, `${stamp}.json`)
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), durationS, machine, settings: { DELIVERY, THROUGHPUT }, rows }, null, 2) + '\n')
console.log(`Written to ${file}`)
process.exit(0)
