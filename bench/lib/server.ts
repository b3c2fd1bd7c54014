// Real server processes for the benchmarks: Parley itself and the two reference servers, each
// started as production starts Parley (docs/deploy.md): plain `node` on JavaScript. Parley runs
// from its build (server/dist/main.js, built here when missing or older than server/src); the
// references are plain .mjs files. Both sides of every ratio load the same way.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nowMs, sleep } from './stats.js'

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
export const ADMIN_PASSWORD = 'bench-admin-pass-1'

const children = new Set<ChildProcess>()
// Never leave a server behind, whatever way the run ends.
process.on('exit', () => { for (const c of children) c.kill('SIGKILL') })

export interface Proc {
  url: string
  port: number
  pid: number
  /** Spawn until the health URL first answered 200, in ms. */
  coldStartMs: number
  /** Resident set size of the process now, in bytes (NaN where /proc is missing). */
  rss(): number
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => ok(port))
    })
  })
}

export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : NaN
  } catch {
    return NaN
  }
}

/**
 * Spawns `node <script>` (a `.ts` script: `node --import tsx <script>`) and waits until GET
 * healthPath answers 200.
 */
export async function spawnServer(script: string, env: Record<string, string>, healthPath: string, timeoutMs = 60_000, cwd = ROOT): Promise<Proc> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const t0 = nowMs()
  // BENCH_NODE_ARGS adds Node options to the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : []
  const child = spawn(process.execPath, [...extra, ...loader, script], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let output = ''
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-4000) }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let exited = false
  child.once('exit', () => { exited = true; children.delete(child) })

  let coldStartMs = NaN
  while (nowMs() - t0 < timeoutMs && !exited) {
    try {
      const res = await fetch(url + healthPath, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      if (res.ok) { coldStartMs = nowMs() - t0; break }
    } catch { /* not listening yet */ }
    await sleep(10)
  }
  if (!Number.isFinite(coldStartMs)) {
    child.kill('SIGKILL')
    throw new Error(`${script} did not become healthy (${exited ? 'exited' : 'timed out'}):\n${output}`)
  }
  return {
    url, port, pid: child.pid!, coldStartMs,
    rss: () => rssOf(child.pid!),
    async stop() {
      if (exited) return
      const gone = new Promise<void>((r) => child.once('exit', () => r()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(timer)
    },
  }
}

export interface Parley extends Proc {
  dataDir: string
  databaseUrl: string | undefined
}

/** Newest modification time (ms) of the built files under dir (tests aside; 0 when there is no such directory). */
function newestMtime(dir: string): number {
  let newest = 0
  if (!existsSync(dir)) return newest
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(e.parentPath, e.name)
    if (e.isFile() && !e.name.endsWith('.test.ts') && !path.includes('/test/')) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/**
 * Builds the server of the checkout at dir as `npm run build` does (`node scripts/build-server.mjs`,
 * the bundle; a checkout from before it: `tsc -p server/tsconfig.build.json`) when
 * server/dist/main.js is missing or older than a file under server/src; once per run.
 */
const built = new Set<string>()
export function ensureServerBuild(dir: string, log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): void {
  if (built.has(dir)) return
  const main = join(dir, 'server', 'dist', 'main.js')
  if (!existsSync(main) || statSync(main).mtimeMs < newestMtime(join(dir, 'server', 'src'))) {
    const script = join(dir, 'scripts', 'build-server.mjs')
    const [cmd, args] = existsSync(script) ? [process.execPath, [script]] : ['npx', ['tsc', '-p', 'server/tsconfig.build.json']]
    log(`server/dist is missing or older than server/src in ${dir}: building it (${[cmd === 'npx' ? 'npx' : 'node', ...args].join(' ')})`)
    execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] })
  }
  built.add(dir)
}

/** A Parley server on a fresh data directory (and the given PostgreSQL URL, if any); `env` adds settings (e.g. STATIC_DIR). */
export async function startParley(databaseUrl?: string, dataDir?: string, env: Record<string, string> = {}): Promise<Parley> {
  // BENCH_PARLEY_DIR: another checkout's server (e.g. a commit before a change), measured by this bench.
  const cwd = process.env.BENCH_PARLEY_DIR ?? ROOT
  ensureServerBuild(cwd)
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'parley-bench-'))
  const proc = await spawnServer('server/dist/main.js', {
    DATA_DIR: dir,
    ADMIN_PASSWORD,
    STATIC_DIR: '',
    LOG_LEVEL: 'warn',
    CHAT_START_LIMIT: '100000',
    DATABASE_URL: databaseUrl ?? '',
    ...env,
  }, '/api/health', 60_000, cwd)
  return {
    ...proc, dataDir: dir, databaseUrl,
    async stop() {
      await proc.stop()
      if (!dataDir) rmSync(dir, { recursive: true, force: true })
    },
  }
}
