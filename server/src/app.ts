import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import websocket from '@fastify/websocket'
import type { Config } from './config.js'
import { openDatabase, type Database } from './db/index.js'
import { frameworkErrors, registerErrorHandling } from './plugins/errors.js'
import { loggerOptions } from './plugins/logging.js'
import { lazyCompilers } from './plugins/lazySchemas.js'
import { registerOriginChecks, trustedOrigins } from './plugins/origin.js'
import { registerFraming } from './plugins/framing.js'
import type { AppContext } from './services/context.js'
import { bootstrap, type BootstrapResult } from './services/bootstrap.js'
import { createLocalPubSub, type PubSub } from './services/pubsub.js'
import type { RealtimeOptions } from './services/realtime.js'
import authRoutes from './routes/auth/index.js'
import conversationRoutes from './routes/conversations/index.js'
import healthRoutes from './routes/health/index.js'
import publicRoutes from './routes/public/index.js'
import wsRoutes from './routes/ws/index.js'
import meRoutes from './routes/me/index.js'
import adminRoutes from './routes/admin/index.js'
import attachmentRoutes from './routes/attachments/index.js'
import { createDbStore, createDiskStore, type BlobStore } from './services/storage.js'
import { startUploadSweep } from './services/attachments.js'
import { createImagePool } from './services/imagePool.js'
import multipart from '@fastify/multipart'
import type { Agent } from 'node:https'
import type { ValidatorFactory } from '@fastify/ajv-compiler'
import type { SerializerFactory } from '@fastify/fast-json-stringify-compiler'
import pushRoutes from './routes/push/index.js'
import cannedResponseRoutes from './routes/canned-responses/index.js'
import supervisorRoutes from './routes/supervisor/index.js'
import searchRoutes from './routes/search/index.js'
import { maxGraphemesKeyword } from './routes/schemas.js'
import { createPushService, type PushService } from './services/push.js'
import { createUrlSigner, loadUrlSecret } from './services/signedUrls.js'

export interface BuiltApp {
  push: PushService
  /** Where attachment bytes live (disk or database). */
  store: BlobStore
  app: FastifyInstance
  ctx: AppContext
  database: Database
  /**
   * Route validators and serializers are compiled on first use (plugins/lazySchemas.ts): this
   * compiles every one not compiled yet (tests; a schema Ajv refuses throws). Returns how many.
   */
  compileSchemas(): number
  /** What bootstrap did, when BuildOptions.bootstrap asked for it. */
  first?: BootstrapResult
}

export interface BuildOptions {
  pubsub?: PubSub
  logger?: boolean
  /**
   * Tests only: a local fake push service (its origin and an agent trusting its certificate).
   * Endpoints at that exact origin skip the push-service allow-list and address checks. Deliberately
   * not an environment variable: nothing a deployment or a request sets can turn it on.
   */
  testPushService?: { origin: string; agent: Agent } | undefined
  /** Overrides the socket's limits and timings (services/realtime.ts; tests shorten them). */
  realtime?: Partial<RealtimeOptions>
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void }
  /** Called for every route as it is registered (the fuzz test collects them all). */
  onRoute?: (route: RouteOptions) => void
  /**
   * Runs services/bootstrap.ts (the first admin and queue on an empty database) while the routes
   * are registered, so its password hash (~50 ms of scrypt on libuv's threads) overlaps them;
   * `BuiltApp.first` is its answer, settled before buildApp returns. main.ts passes it; tests
   * call bootstrap themselves.
   */
  bootstrap?: { adminPassword: string | undefined }
}

/** Builds the whole server (database opened and migrated) without listening. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<BuiltApp> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  // On PostgreSQL, realtime crosses processes through LISTEN/NOTIFY, so any number of
  // server processes can share one database; SQLite means one process, in-memory bus.
  const pgBus = !opts.pubsub && config.databaseUrl ? await (await import('./services/pgPubSub.js')).createPgPubSub(config.databaseUrl, database.db) : undefined
  const pubsub = opts.pubsub ?? pgBus ?? createLocalPubSub()
  const ctx: AppContext = {
    db: database.db, kind: database.kind, pubsub, offerMs: config.offerSeconds * 1000,
    customerTokenMs: config.customerTokenDays * 24 * 3600 * 1000,
    signer: createUrlSigner(await loadUrlSecret(database.db), config.attachmentUrlSeconds),
  }
  // Started now, awaited at the end: nothing registered below reads the users or queues.
  const firstStart = opts.bootstrap ? bootstrap(database.db, opts.bootstrap.adminPassword) : undefined
  // Awaited (and so reported) at the end; should the build fail before that, its rejection is not left unhandled.
  firstStart?.catch(() => undefined)

  // Each route schema is compiled when a request first needs it, not all at start (issue 12).
  const schemas = lazyCompilers()
  const app = Fastify({
    logger: opts.logger === false ? false : loggerOptions(config.logLevel, opts.logStream),
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    frameworkErrors,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false }, plugins: [maxGraphemesKeyword] },
    // Fastify's own compilers with its options, only later; its types describe the pool builders loosely.
    schemaController: {
      compilersFactory: {
        buildValidator: schemas.buildValidator as unknown as ValidatorFactory,
        buildSerializer: schemas.buildSerializer as unknown as SerializerFactory,
      },
    },
  })
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute)
  app.addHook('onClose', async () => {
    await pgBus?.close()
    await database.close()
  })

  const spaRoot = config.staticDir && existsSync(join(config.staticDir, 'index.html')) ? config.staticDir : undefined
  registerErrorHandling(app, spaRoot ? { sendIndex: (reply) => reply.header('Cache-Control', 'no-cache').sendFile('index.html') } : undefined)
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // The app runs on plain http on a LAN too; HSTS belongs to the TLS proxy.
    hsts: false,
    crossOriginEmbedderPolicy: false,
  })
  // After helmet: per response, a queue's chat page may be framed by the origins listed for it.
  registerFraming(app, database.db)
  await app.register(cookie)
  // preHandler: keys may use the parsed body (the sign-in username).
  await app.register(rateLimit, { global: false, hook: 'preHandler' })
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  // After the websocket plugin: its onRequest hook marks upgrades (req.ws) so a refused upgrade's socket is closed.
  registerOriginChecks(app, { trusted: trustedOrigins(config.publicUrl, config.allowedOrigins) })
  await app.register(multipart)

  await app.register(healthRoutes, { ctx })
  await app.register(authRoutes, {
    ctx, secureCookies: config.secureCookies,
    loginLimits: { perAddressAndUsername: config.loginLimit, perAddress: config.loginAddressLimit, perUsername: config.loginUsernameLimit },
  })
  await app.register(conversationRoutes, { ctx })
  await app.register(publicRoutes, { ctx, startLimit: config.chatStartLimit, publicUrl: config.publicUrl })
  await app.register(wsRoutes, { ctx, realtime: opts.realtime })
  await app.register(meRoutes, { ctx })
  await app.register(adminRoutes, { ctx })
  await app.register(cannedResponseRoutes, { ctx })
  await app.register(supervisorRoutes, { ctx })
  await app.register(searchRoutes, { ctx })
  // Several processes on PostgreSQL must all reach every file: keep them in the database then.
  const store = config.databaseUrl && config.sharedFiles ? createDbStore(ctx.db) : createDiskStore(join(config.dataDir, 'files'))
  // Images are decoded in worker threads, a bounded pool started on the first upload (issue 12).
  const images = createImagePool(config.imagePool)
  app.addHook('onClose', async () => images.close())
  await app.register(attachmentRoutes, { ctx, store, dataDir: config.dataDir, quota: config.uploadQuota, images })
  // Files uploaded but never sent go after a day (issue 10, point 9).
  const stopSweep = startUploadSweep(ctx.db, store, app.log)
  app.addHook('onClose', async () => stopSweep())
  const push = createPushService(ctx.db, {
    subject: config.pushSubject, serviceHosts: config.pushServiceHosts, testService: opts.testPushService, log: app.log,
  })
  ctx.onCommitted = (p) => push.onPublished(p)
  app.addHook('onClose', async () => push.close())
  await app.register(pushRoutes, { ctx, push })

  if (spaRoot) await serveApp(app, spaRoot)
  const first = firstStart ? await firstStart : undefined
  return { app, ctx, database, push, store, compileSchemas: schemas.compileAll, ...(first ? { first } : {}) }
}

/** The built Vue app's files; other page paths get index.html from the not-found handler. */
async function serveApp(app: FastifyInstance, root: string) {
  const { default: fastifyStatic } = await import('@fastify/static')
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    setHeaders(res, path) {
      // Hashed assets never change; the shell, manifest and service worker must revalidate.
      if (path.includes('/assets/')) res.header('Cache-Control', 'public, max-age=31536000, immutable')
      else res.header('Cache-Control', 'no-cache')
    },
  })
}

