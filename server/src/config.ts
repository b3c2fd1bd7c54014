import { resolve } from 'node:path'
import { parsePushServiceHosts } from './services/pushEndpoint.js'
import { defaultImagePool, type ImagePoolOptions } from './services/imagePool.js'

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  adminPassword: string | undefined
  publicUrl: string
  /** Directory of the built app; served when it exists. */
  staticDir: string | undefined
  /** Cookies get `Secure` when the public URL is https. */
  secureCookies: boolean
  logLevel: string
  /**
   * Origins besides PUBLIC_URL's whose pages may send state-changing requests and open the
   * socket (ALLOWED_ORIGINS, comma-separated, e.g. `https://parley.example.com,https://support.example.com`).
   */
  allowedOrigins: string[]
  /** Failed sign-ins per minute for one address and username (LOGIN_LIMIT); then 429 until the minute ends. */
  loginLimit: number
  /** Failed sign-ins per 10 minutes from one address, any usernames (LOGIN_ADDRESS_LIMIT). */
  loginAddressLimit: number
  /**
   * Failed sign-ins per 15 minutes for one username from all addresses (LOGIN_USERNAME_LIMIT);
   * past it, that username gets one attempt per 3 s from anywhere: slowed, never locked out.
   */
  loginUsernameLimit: number
  /** Chats a single address may start per minute (CHAT_START_LIMIT). */
  chatStartLimit: number
  /** Behind a reverse proxy, trust X-Forwarded-For (TRUST_PROXY=1) so limits see real addresses. */
  trustProxy: boolean
  /** Seconds an offered conversation waits for Accept (OFFER_SECONDS). */
  offerSeconds: number
  /**
   * Keep attachments in PostgreSQL so every process reaches them (FILE_STORAGE=database, the
   * default with DATABASE_URL); FILE_STORAGE=disk keeps them under DATA_DIR (one process, or a
   * shared volume).
   */
  sharedFiles: boolean
  /** The VAPID subject push services may contact (PUSH_SUBJECT, else mailto:admin@<host>). */
  pushSubject: string
  /**
   * Hosts push endpoints may point to (PUSH_SERVICE_HOSTS: comma-separated names, `*.domain`
   * patterns, `default` for the standard browser push services; unset = the standard ones).
   */
  pushServiceHosts: string[]
  /** Days a customer's chat link keeps working after the chat ended (CUSTOMER_TOKEN_DAYS, default 30). */
  customerTokenDays: number
  /** Seconds a signed attachment URL stays valid (ATTACHMENT_URL_SECONDS, default 3600; 60..86400). */
  attachmentUrlSeconds: number
  /** Uploads per conversation per hour: files (UPLOAD_QUOTA_FILES, 60) and bytes (UPLOAD_QUOTA_MB, 300 MB). */
  uploadQuota: { files: number; bytes: number }
  /** Images decoded at once in worker threads (IMAGE_WORKERS, default CPUs − 1, 1..4) and waiting beyond them (IMAGE_QUEUE, default 16; 0 allowed); more answer 503. */
  imagePool: ImagePoolOptions
}

/** A positive number from the environment, or the default; anything else stops the start with a clear message. */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`${name} must be a number above 0 and at most ${max}, got ${raw}`)
  return n
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`)
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '')
  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('DATABASE_URL must start with postgres://')
  // Each entry is an origin (scheme://host[:port]); kept in the form browsers send in `Origin`.
  const allowedOrigins = (env.ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean).map((o) => {
    let u: URL | undefined
    try {
      u = new URL(o)
    } catch {
      u = undefined
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.pathname !== '/' || u.search || u.hash || u.username) {
      throw new Error(`ALLOWED_ORIGINS entries must be origins like https://chat.example.com (scheme, host, optional port), got ${o}`)
    }
    return u.origin
  })
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    databaseUrl,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    publicUrl,
    staticDir: env.STATIC_DIR === '' ? undefined : resolve(env.STATIC_DIR ?? 'dist'),
    secureCookies: publicUrl.startsWith('https://'),
    logLevel: env.LOG_LEVEL ?? 'info',
    chatStartLimit: Number(env.CHAT_START_LIMIT ?? 30),
    allowedOrigins,
    loginLimit: Number(env.LOGIN_LIMIT ?? 10),
    loginAddressLimit: Number(env.LOGIN_ADDRESS_LIMIT ?? 50),
    loginUsernameLimit: Number(env.LOGIN_USERNAME_LIMIT ?? 100),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    offerSeconds: Number(env.OFFER_SECONDS ?? 30),
    pushSubject: env.PUSH_SUBJECT ?? `mailto:admin@${new URL(publicUrl).hostname.includes('.') ? new URL(publicUrl).hostname : 'parley.invalid'}`,
    pushServiceHosts: parsePushServiceHosts(env.PUSH_SERVICE_HOSTS),
    sharedFiles: (env.FILE_STORAGE ?? (databaseUrl ? 'database' : 'disk')) === 'database',
    customerTokenDays: positive(env, 'CUSTOMER_TOKEN_DAYS', 30, 3650),
    attachmentUrlSeconds: Math.max(60, Math.round(positive(env, 'ATTACHMENT_URL_SECONDS', 3600, 86_400))),
    uploadQuota: {
      files: Math.round(positive(env, 'UPLOAD_QUOTA_FILES', 60, 100_000)),
      bytes: Math.round(positive(env, 'UPLOAD_QUOTA_MB', 300, 1_000_000) * 1024 * 1024),
    },
    imagePool: {
      threads: Math.round(positive(env, 'IMAGE_WORKERS', defaultImagePool().threads, 64)),
      queue: env.IMAGE_QUEUE === '0' ? 0 : Math.round(positive(env, 'IMAGE_QUEUE', defaultImagePool().queue, 10_000)),
    },
  }
}
