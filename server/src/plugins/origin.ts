import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpError } from '../services/errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes a file as multipart/form-data (uploads); every other state-changing route takes JSON only. */
    acceptsMultipart?: boolean
  }
}

/** Methods that change state; GET, HEAD and OPTIONS never do here. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * An origin as the browser writes it in `Origin` (scheme://host[:port], default port left out,
 * lower case), or undefined for something that is not an http(s) origin.
 */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const u = new URL(value)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined
    return u.origin
  } catch {
    return undefined
  }
}

export interface OriginPolicy {
  /** The origins a browser may send state-changing requests and socket upgrades from: PUBLIC_URL's and ALLOWED_ORIGINS. */
  trusted: ReadonlySet<string>
}

/**
 * Whether a request may have come from a page we trust, following the Fetch Metadata model of
 * Go 1.25's net/http CrossOriginProtection:
 * - `Sec-Fetch-Site: same-origin` or `none` (typed in, a bookmark) passes; `same-site` and
 *   `cross-site` pass only when `Origin` is trusted. Browsers set this header and page script
 *   cannot (a forbidden header name, Fetch standard §2.2.2).
 * - Without `Sec-Fetch-Site` (browsers before 2023), `Origin` must be trusted or name the
 *   host the request was sent to (`Host`).
 * - With neither header the request did not come from a browser page (curl, the push service,
 *   server-to-server) and carries no ambient browser credentials to abuse: it passes.
 */
export function originAllowed(req: Pick<FastifyRequest, 'headers'>, policy: OriginPolicy): boolean {
  const header = (name: string) => {
    const v = req.headers[name]
    return Array.isArray(v) ? v[0] : v
  }
  const origin = header('origin')
  const site = header('sec-fetch-site')?.toLowerCase()
  const trusted = origin !== undefined && policy.trusted.has(normalizeOrigin(origin) ?? '')
  if (site !== undefined) return site === 'same-origin' || site === 'none' || trusted
  if (origin === undefined) return true
  if (trusted) return true
  const host = header('host')
  try {
    return !!host && new URL(origin).host === host.toLowerCase()
  } catch {
    return false
  }
}

/** The media type of a Content-Type header value, lower case without parameters ('' when absent). */
function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase()
}

/**
 * One global onRequest hook, before any body is read (register it after @fastify/websocket,
 * whose own onRequest hook marks upgrades so that a refused one's socket gets closed):
 * 1. Origins: every state-changing request and every WebSocket upgrade passes `originAllowed`,
 *    else 403 `cross_origin`. This stops cross-site request forgery and cross-site WebSocket
 *    hijacking from another origin of the same site, where SameSite=Lax cookies still go along.
 * 2. Content types: a state-changing request must be `application/json` (routes marked
 *    `acceptsMultipart` also take `multipart/form-data`), else 415. An HTML form can only send
 *    urlencoded, multipart or text/plain, and a cross-origin fetch with a JSON body needs a CORS
 *    preflight this server never grants; bodyless POSTs too, or a bodiless no-cors fetch would pass.
 */
export function registerOriginChecks(app: FastifyInstance, policy: OriginPolicy) {
  app.addHook('onRequest', async (req) => {
    const upgrade = req.ws || String(req.headers.upgrade ?? '').toLowerCase() === 'websocket'
    if (!upgrade && !STATE_CHANGING.has(req.method)) return
    if (!originAllowed(req, policy)) {
      throw new HttpError(403, 'cross_origin', 'This request came from a page on another site; open Parley at its own address')
    }
    if (upgrade && req.method === 'GET') return
    const type = mediaType(req.headers['content-type'])
    if (type === 'application/json') return
    if (type === 'multipart/form-data' && req.routeOptions.config?.acceptsMultipart) return
    throw new HttpError(415, 'unsupported_media_type',
      req.routeOptions.config?.acceptsMultipart
        ? 'Send the file as multipart/form-data'
        : 'Send the request body as application/json (an empty object {} when there is nothing to say)')
  })
}

/** The trusted origins from PUBLIC_URL and the comma-separated ALLOWED_ORIGINS; throws on an entry that is not an origin. */
export function trustedOrigins(publicUrl: string, allowed: readonly string[]): Set<string> {
  const set = new Set<string>()
  for (const entry of [publicUrl, ...allowed]) {
    const o = normalizeOrigin(entry)
    if (!o) throw new Error(`Not an http(s) origin: ${entry}`)
    set.add(o)
  }
  return set
}
