import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { embedOriginsByAddress } from '../db/repositories/queues.js'

/** The customer chat page's path; its address as the queue's public address. */
const CHAT_PATH = /^\/chat\/([a-z0-9][a-z0-9-]{0,62})\/?$/

/**
 * Framing (issue 15, point 1). helmet sends `X-Frame-Options: SAMEORIGIN` and
 * `frame-ancestors 'self'` on every answer, so the agent app and admin can't be framed by another
 * site (clickjacking). The one exception, decided per response: the HTML of a queue's chat page
 * (`/chat/<address>`) may be framed by the origins the admin listed for that queue, so its
 * `frame-ancestors` becomes `'self'` plus those origins and `X-Frame-Options` goes (it can't
 * list origins). Everything else keeps helmet's headers untouched.
 *
 * `/embed.js` is a script other sites load: it gets `Cross-Origin-Resource-Policy: cross-origin`
 * (helmet's `same-origin` would block it) and a short cache.
 */
export function registerFraming(app: FastifyInstance, db: Kysely<DB>): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return payload
    const path = req.url.split('?')[0] ?? ''
    if (path === '/embed.js') {
      reply.header('Cross-Origin-Resource-Policy', 'cross-origin')
      if (reply.statusCode === 200) reply.header('Cache-Control', 'public, max-age=300')
      return payload
    }
    const match = CHAT_PATH.exec(path)
    if (!match) return payload
    // The page's HTML, or a 304 revalidating it: a browser merges a 304's headers into its cached
    // answer, so the 304 must carry the same frame-ancestors or the second visit is refused.
    const type = String(reply.getHeader('content-type') ?? '')
    if (reply.statusCode !== 304 && !type.startsWith('text/html')) return payload
    const origins = await embedOriginsByAddress(db, match[1]!)
    if (!origins.length) return payload
    const csp = String(reply.getHeader('content-security-policy') ?? '')
    const ancestors = `frame-ancestors 'self' ${origins.join(' ')}`
    const next = /frame-ancestors [^;]*/.test(csp) ? csp.replace(/frame-ancestors [^;]*/, ancestors) : `${csp}${csp ? ';' : ''}${ancestors}`
    reply.header('Content-Security-Policy', next)
    reply.removeHeader('X-Frame-Options')
    return payload
  })
}
