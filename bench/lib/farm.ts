// The benchmark's side of the socket farm (socket-farm.ts, a child process).
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Summary } from './stats.js'

export type FarmRequest = { id: number } & (
  | { cmd: 'connect'; url: string; count: number; cookies?: string[]; hello: boolean; rooms?: number; group?: string }
  | { cmd: 'arm'; messages: number; conversations: number; queues: number }
  | { cmd: 'progress'; sendTimes: Float64Array }
  | { cmd: 'stats'; sendTimes: Float64Array }
  | { cmd: 'close' }
)
export type FarmReply = { id: number; result?: unknown; error?: string }
type Without<T> = T extends unknown ? Omit<T, 'id'> : never

export class Farm {
  private seq = 0
  private pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>()
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: FarmReply) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (m.error) p.fail(new Error(`socket farm: ${m.error}`))
      else p.ok(m.result)
    })
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.fail(new Error(`socket farm exited (${code})`))
      this.pending.clear()
    })
  }

  static start(): Farm {
    const child = fork(fileURLToPath(new URL('./socket-farm.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    process.on('exit', () => child.kill('SIGKILL'))
    return new Farm(child)
  }

  get pid(): number { return this.child.pid! }

  private call<T>(req: Without<FarmRequest>, timeoutMs = 120_000): Promise<T> {
    const id = ++this.seq
    return new Promise<T>((ok, fail) => {
      const timer = setTimeout(() => { this.pending.delete(id); fail(new Error(`socket farm: ${req.cmd} timed out`)) }, timeoutMs)
      this.pending.set(id, { ok: (v) => { clearTimeout(timer); ok(v as T) }, fail: (e) => { clearTimeout(timer); fail(e) } })
      this.child.send({ ...req, id })
    })
  }

  /**
   * Opens `count` more sockets (25 at a time), socket k with cookies[k]; with hello, waits for
   * each one's `ready`. Sockets are numbered across connects: socket i is agent i, in queue
   * i % queues; with rooms (the bare relay) it joins room i % rooms. `group` labels them for stats.
   */
  connect(url: string, count: number, opts: { cookies?: string[]; hello: boolean; rooms?: number; group?: string }) {
    return this.call<{ connected: number; ms: number }>({ cmd: 'connect', url, count, ...opts })
  }
  /** Expects message seq at the sockets i with i % queues === (seq % conversations) % queues. */
  arm(messages: number, conversations: number, queues: number) { return this.call<{ ok: true }>({ cmd: 'arm', messages, conversations, queues }) }
  progress(sendTimes: Float64Array) { return this.call<{ received: number; expected: number }>({ cmd: 'progress', sendTimes }) }
  stats(sendTimes: Float64Array) {
    return this.call<Summary & { missing: number; groups: Record<string, Summary & { missing: number }> }>({ cmd: 'stats', sendTimes })
  }
  close() { return this.call<{ ok: true }>({ cmd: 'close' }) }
  stop() { this.child.disconnect(); this.child.kill() }
}
