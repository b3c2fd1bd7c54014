import { availableParallelism } from 'node:os'
import type { Piscina } from 'piscina'
import { HttpError } from './errors.js'
import type { ImageJob, ImageResult } from './imageWork.js'

/** How many images are rendered at once (threads) and how many more may wait (queue). */
export interface ImagePoolOptions {
  /** Worker threads (IMAGE_WORKERS; default: CPUs − 1, at least 1, at most 4). */
  threads: number
  /** Images waiting for a thread beyond those (IMAGE_QUEUE, default 16); one more answers 503. */
  queue: number
}

export const defaultImagePool = (): ImagePoolOptions => ({ threads: Math.max(1, Math.min(4, availableParallelism() - 1)), queue: 16 })

/** How much lower the image threads' CPU priority is than the event loop's (nice(2) increment). */
const IMAGE_NICE = 10

/** Seconds a client is told to wait when the pool is full (Retry-After). */
export const BUSY_RETRY_SECONDS = 5

export interface ImagePool {
  /**
   * Renders an uploaded image in a worker thread (services/imageWork.ts).
   * @throws HttpError 503 `busy` with a Retry-After header when every thread is busy and the queue is full
   */
  render(job: ImageJob): Promise<ImageResult>
  close(): Promise<void>
}

/**
 * The bounded pool of worker threads that decode images off the event loop. Nothing is started (and
 * neither piscina, sharp nor heic-convert is loaded) until the first image arrives.
 */
export function createImagePool(opts: ImagePoolOptions): ImagePool {
  let pool: Promise<Piscina> | undefined
  const start = async () => {
    const { Piscina } = await import('piscina')
    // Under tsx (development, tests) the worker is the TypeScript source and needs tsx's loader too.
    const ts = import.meta.url.endsWith('.ts')
    return new Piscina({
      filename: new URL(ts ? './imageWork.ts' : './imageWork.js', import.meta.url).href,
      minThreads: 0,
      maxThreads: opts.threads,
      idleTimeout: 60_000,
      // Decoding waits for the chat, not the other way round: the threads run at a lower CPU priority
      // (nice +10, about a tenth of a busy core's time when the event loop wants it; through piscina's
      // optional @napi-rs/nice, which npm installs with it on Linux, macOS and Windows). Threads libvips
      // starts from them inherit it.
      niceIncrement: IMAGE_NICE,
      ...(ts ? { execArgv: [...process.execArgv.filter((a) => a !== '--import' && a !== 'tsx'), '--import', 'tsx'] } : {}),
    })
  }
  // Images handed to the pool and not finished: running (at most `threads`) and waiting.
  let inFlight = 0
  return {
    async render(job) {
      if (inFlight >= opts.threads + opts.queue) throw busyError()
      inFlight++
      try {
        pool ??= start()
        return (await (await pool).run(job)) as ImageResult
      } finally {
        inFlight--
      }
    },
    async close() {
      if (pool) await (await pool).destroy()
    },
  }
}

const busyError = () =>
  new HttpError(503, 'busy', `The server is busy preparing other pictures. Please send this file again in ${BUSY_RETRY_SECONDS} seconds.`, { 'Retry-After': String(BUSY_RETRY_SECONDS) })
