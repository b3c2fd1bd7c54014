import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { User } from '../api-types.js'
import type { AppContext } from '../services/context.js'
import { HttpError } from '../services/errors.js'
import { conversationIdForToken, hashToken } from '../services/conversations.js'
import { getUser } from '../db/repositories/users.js'
import { getSession, insertSession } from '../db/repositories/sessions.js'
import { revokeSessions } from '../services/sessions.js'

export const SESSION_COOKIE = 'parley_session'
const SESSION_DAYS = 30

declare module 'fastify' {
  interface FastifyRequest {
    user?: User
    customerConversationId?: string
  }
}

export async function createSession(ctx: AppContext, userId: string): Promise<{ token: string; maxAge: number }> {
  const token = randomBytes(32).toString('base64url')
  const now = Date.now()
  const maxAge = SESSION_DAYS * 24 * 3600
  await insertSession(ctx.db, { id: hashToken(token), userId, createdAt: now, expiresAt: now + maxAge * 1000 })
  return { token, maxAge }
}

/** Sign-out: the session ends and its open sockets close, on every process. */
export async function deleteSession(ctx: AppContext, token: string) {
  await revokeSessions(ctx, { sessionIds: [hashToken(token)] }, 'signed_out')
}

/** A live session: its id (sha256 of the cookie token), its active user, and when it ends (epoch ms). */
export interface SessionInfo {
  id: string
  user: User
  expiresAt: number
}

/** The live session behind a session cookie value (not expired, user active), or undefined. */
export async function sessionForToken(ctx: AppContext, token: string | undefined): Promise<SessionInfo | undefined> {
  if (!token) return undefined
  const id = hashToken(token)
  const row = await getSession(ctx.db, id)
  if (!row || row.expires_at < Date.now()) return undefined
  const user = await getUser(ctx.db, row.user_id)
  return user?.active ? { id, user, expiresAt: row.expires_at } : undefined
}

/** The active user behind a session cookie value, or undefined. */
export async function userForSession(ctx: AppContext, token: string | undefined): Promise<User | undefined> {
  return (await sessionForToken(ctx, token))?.user
}

/**
 * The signed-in user of a request behind `requireUser` or `requireAdmin` (they set it).
 * @throws HttpError 401 when there is none (a route registered without those hooks)
 */
export function userOf(req: FastifyRequest): User {
  if (!req.user) throw new HttpError(401, 'unauthorized', 'Please sign in')
  return req.user
}

export function authHooks(ctx: AppContext) {
  return {
    /** preHandler: an agent or admin must be signed in. */
    requireUser: async (req: FastifyRequest) => {
      const user = await userForSession(ctx, req.cookies[SESSION_COOKIE])
      if (!user) throw new HttpError(401, 'unauthorized', 'Please sign in')
      req.user = user
    },
    requireAdmin: async (req: FastifyRequest) => {
      const user = await userForSession(ctx, req.cookies[SESSION_COOKIE])
      if (!user) throw new HttpError(401, 'unauthorized', 'Please sign in')
      if (user.role !== 'admin') throw new HttpError(403, 'forbidden', 'Only admins can do this')
      req.user = user
    },
    /** preHandler: a customer token (Authorization: Bearer) bound to one conversation. */
    requireCustomer: async (req: FastifyRequest) => {
      const m = /^Bearer ([A-Za-z0-9_-]{20,})$/.exec(req.headers.authorization ?? '')
      const id = m?.[1] ? await conversationIdForToken(ctx, m[1]) : undefined
      if (!id) throw new HttpError(401, 'unauthorized', 'This chat link is not valid any more')
      req.customerConversationId = id
    },
  }
}

export function setSessionCookie(reply: FastifyReply, token: string, maxAge: number, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge })
}
