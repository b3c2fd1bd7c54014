import type { RouteTypes } from '../typeProvider.js'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { HttpError } from '../../services/errors.js'
import { DUMMY_HASH, verifyPassword } from '../../services/passwords.js'
import { getUserRowByUsername, toUser } from '../../db/repositories/users.js'
import { authHooks, createSession, deleteSession, SESSION_COOKIE, setSessionCookie } from '../../plugins/auth.js'
import { admitLogin, type LoginLimits } from '../../services/loginThrottle.js'
import { normalizeUsername } from '../../services/usernames.js'
import { userSchema } from '../schemas.js'

interface Opts {
  ctx: AppContext
  secureCookies: boolean
  loginLimits: LoginLimits
}

export default async function authRoutes(fastify: FastifyInstance, { ctx, secureCookies, loginLimits }: Opts) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireUser } = authHooks(ctx)

  app.post('/api/auth/login', {
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
    // Throttled and looked up under the one normalized spelling, so a re-spelt name is the same account.
    const username = normalizeUsername(req.body.username)
    const gate = await admitLogin(ctx.db, req.ip, username, loginLimits)
    if (!gate.allowed) {
      reply.header('Retry-After', String(gate.retryAfter))
      throw new HttpError(429, 'rate_limited', `Too many sign-in attempts. Try again in ${gate.retryAfter} s.`)
    }
    const row = await getUserRowByUsername(ctx.db, username)
    // Verify against a dummy hash for unknown users so the answer takes the same time.
    const ok = await verifyPassword(req.body.password, row?.password_hash ?? DUMMY_HASH)
    if (!row || !ok || row.active !== 1) throw new HttpError(401, 'invalid_credentials', 'Wrong username or password')
    await gate.succeeded()
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
