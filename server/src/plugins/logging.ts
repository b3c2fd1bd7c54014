import type { FastifyRequest } from 'fastify'

/**
 * Query parameters that carry a credential: a customer token, an attachment URL's signature,
 * anything named like a secret. Matched on the whole name, case-insensitively.
 */
const SECRET_PARAM = /^(.*token.*|sig|signature|secret|password|passwd|auth|authorization|key|api_?key|code|session)$/i

/** A request URL with the values of credential-carrying query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const query = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    const rawName = eq < 0 ? pair : pair.slice(0, eq)
    let name = rawName
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '))
    } catch {
      // a malformed escape: judge the raw name
    }
    return SECRET_PARAM.test(name) ? `${rawName}=[redacted]` : pair
  })
  return `${url.slice(0, q)}?${query.join('&')}`
}

/**
 * Pino options for the server's log: requests are logged as method, URL (secrets redacted),
 * host and peer address, never headers; and should a header object ever be logged, its
 * Authorization, Cookie and Set-Cookie are censored. `stream` is where lines go (stdout by default).
 */
export function loggerOptions(level: string, stream?: { write(line: string): void }) {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req(req: FastifyRequest) {
        return {
          method: req.method,
          url: redactUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }
      },
    },
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
        'res.headers["set-cookie"]', 'headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
  }
}
