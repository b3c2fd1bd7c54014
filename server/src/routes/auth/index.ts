import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { HttpError } from '../../services/errors.js'
import { DUMMY_HASH, verifyPassword } from '../../services/passwords.js'
import { getUserRowByUsername, toUser } from '../../db/repositories/users.js'
import { authHooks, createSession, deleteSession, SESSION_COOKIE, setSessionCookie } from '../../plugins/auth.js'
import { userSchema } from '../schemas.js'

interface Opts {
  ctx: AppContext
  secureCookies: boolean
  loginLimit: number
}

export default async function authRoutes(app: FastifyInstance, { ctx, secureCookies, loginLimit }: Opts) {
  const { requireUser } = authHooks(ctx)

  app.post<{ Body: { username: string; password: string } }>('/api/auth/login', {
    config: {
      // Per address and username: slows password guessing without locking out a whole office behind one NAT.
      rateLimit: {
        max: loginLimit,
        timeWindow: '1 minute',
        keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase()}`,
      },
    },
    schema: {
      body: {
        type: 'object',
        required: ['username', 'password'],
        additionalProperties: false,
        properties: { username: { type: 'string', minLength: 1, maxLength: 100 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
      },
      response: { 200: { type: 'object', properties: { user: userSchema } } },
    },
  }, async (req, reply) => {
    const row = await getUserRowByUsername(ctx.db, req.body.username)
    // Verify against a dummy hash for unknown users so the answer takes the same time.
    const ok = await verifyPassword(req.body.password, row?.password_hash ?? DUMMY_HASH)
    if (!row || !ok || row.active !== 1) throw new HttpError(401, 'invalid_credentials', 'Wrong username or password')
    const { token, maxAge } = await createSession(ctx, row.id)
    setSessionCookie(reply, token, maxAge, secureCookies)
    return { user: toUser(row) }
  })

  app.post('/api/auth/logout', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE]
    if (token) await deleteSession(ctx, token)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.status(204).send()
  })

  app.get('/api/auth/me', {
    preHandler: requireUser,
    schema: { response: { 200: { type: 'object', properties: { user: userSchema } } } },
  }, async (req) => ({ user: req.user }))
}
