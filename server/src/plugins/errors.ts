import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { HttpError } from '../services/errors.js'

const statusCodes: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 413: 'too_large', 415: 'unsupported_media_type', 429: 'rate_limited',
}

/**
 * Every error leaves as { error: { code, message } } with its status. With `spa`, a GET for a
 * page path (not /api/, no file extension) answers the app's index.html for client routing.
 */
export function registerErrorHandling(app: FastifyInstance, spa?: { sendIndex: (reply: FastifyReply) => FastifyReply }) {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) {
      return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message } })
    }
    if ('validation' in err && err.validation) {
      return reply.status(400).send({ error: { code: 'bad_request', message: `Invalid request: ${err.message}` } })
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
    if (status >= 500) {
      req.log.error({ err }, 'request failed')
      return reply.status(status).send({ error: { code: 'internal', message: 'Something went wrong on the server' } })
    }
    return reply.status(status).send({ error: { code: statusCodes[status] ?? 'error', message: err.message } })
  })

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/'
    if (spa && req.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path)) return spa.sendIndex(reply)
    return reply.status(404).send({ error: { code: 'not_found', message: `No route for ${req.method} ${path}` } })
  })
}
