import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { NoResultError } from 'kysely'
import { HttpError } from '../services/errors.js'

const statusCodes: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 413: 'too_large', 414: 'uri_too_long', 415: 'unsupported_media_type', 429: 'rate_limited',
}

/**
 * What a database refusal means for the caller, whatever route ran into it: a write naming a
 * row that does not exist (foreign key) is the request's fault, 400; a duplicate (unique key)
 * is a conflict, 409; a value the column cannot hold (too long, out of range, not null, check)
 * is a bad request, 400. Codes: better-sqlite3's extended result codes (SQLITE_CONSTRAINT_*,
 * sqlite.org/rescode.html) and PostgreSQL's SQLSTATE (class 23 integrity, class 22 data
 * exception; postgresql.org/docs/current/errcodes-appendix.html).
 */
export function databaseRefusal(err: unknown): HttpError | undefined {
  if (err instanceof NoResultError) return new HttpError(404, 'not_found', 'Not found')
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return undefined
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') {
    return new HttpError(400, 'invalid_reference', 'This refers to something that does not exist (it may have been deleted)')
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') {
    return new HttpError(409, 'conflict', 'This already exists')
  }
  if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH' || /^2[23][0-9A-Z]{3}$/.test(code)) {
    return new HttpError(400, 'bad_request', 'A value in this request is out of range or not allowed')
  }
  return undefined
}

/**
 * Errors the multipart parser (@fastify/busboy) raises on a malformed or truncated body, as plain
 * Errors without a status: the body is the client's fault, 400. Matched on busboy's fixed messages
 * because it gives them no code; wherever an upload route reads the body, this covers it.
 */
const MULTIPART_PARSE_ERROR = /^(Multipart: Boundary not found|Boundary required|Unexpected end of multipart data|\w+ terminated early due to unexpected end of multipart data)$/

export function malformedBody(err: unknown): HttpError | undefined {
  if (!(err instanceof Error) || (err as { statusCode?: unknown }).statusCode !== undefined) return undefined
  if (MULTIPART_PARSE_ERROR.test(err.message)) return new HttpError(400, 'bad_request', 'The upload was cut off or is not well-formed multipart/form-data; send it again')
  return undefined
}

/**
 * Fastify's `frameworkErrors` option: errors its router raises before any route or hook runs (a
 * malformed percent-escape in the path, a path parameter over maxParamLength) leave in the same
 * { error: { code, message } } shape as every other error instead of Fastify's own.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A part of this address is too long' : 'This address is not valid'
  return reply.status(status).send({ error: { code: status === 414 ? 'uri_too_long' : 'bad_request', message } })
}

/**
 * Every error leaves as { error: { code, message } } with its status; database refusals as
 * databaseRefusal says, never 500. With `spa`, a GET or HEAD for a page path (not /api/, no file extension) answers the app's
 * index.html for client routing; HEAD as GET without the body (RFC 9110 §9.3.2), so link checkers
 * probing a chat link see 200.
 */
export function registerErrorHandling(app: FastifyInstance, spa?: { sendIndex: (reply: FastifyReply) => FastifyReply }) {
  app.setErrorHandler((thrown: FastifyError | HttpError, req, reply) => {
    const err = databaseRefusal(thrown) ?? malformedBody(thrown) ?? thrown
    if (err instanceof HttpError) {
      if (err.headers) reply.headers(err.headers)
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

  // An error status sent without a body (a plugin's bare reply.code(404).send()) gets the same shape.
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 || req.method === 'HEAD' || (payload !== undefined && payload !== null && payload !== '')) return payload
    reply.header('content-type', 'application/json; charset=utf-8')
    const code = statusCodes[reply.statusCode] ?? (reply.statusCode >= 500 ? 'internal' : 'error')
    return JSON.stringify({ error: { code, message: code === 'not_found' ? `No route for ${req.method} ${req.url.split('?')[0]}` : 'The request could not be served' } })
  })

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/'
    if (spa && (req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path)) return spa.sendIndex(reply)
    return reply.status(404).send({ error: { code: 'not_found', message: `No route for ${req.method} ${path}` } })
  })
}
