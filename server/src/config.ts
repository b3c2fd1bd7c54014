import { resolve } from 'node:path'
import { parsePushServiceHosts } from './services/pushEndpoint.js'

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
  /** Sign-in attempts per minute for one address and username (LOGIN_LIMIT). */
  loginLimit: number
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
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`)
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '')
  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('DATABASE_URL must start with postgres://')
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
    loginLimit: Number(env.LOGIN_LIMIT ?? 10),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    offerSeconds: Number(env.OFFER_SECONDS ?? 30),
    pushSubject: env.PUSH_SUBJECT ?? `mailto:admin@${new URL(publicUrl).hostname.includes('.') ? new URL(publicUrl).hostname : 'parley.invalid'}`,
    pushServiceHosts: parsePushServiceHosts(env.PUSH_SERVICE_HOSTS),
    sharedFiles: (env.FILE_STORAGE ?? (databaseUrl ? 'database' : 'disk')) === 'database',
  }
}
