import { HttpError } from '../services/errors.js'

// Paging cursors: opaque to clients (base64url of JSON), checked on the way back in, so a forged
// or stale cursor is a 400, never an exception.

/** A cursor for `value` (any JSON). */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/**
 * The value in a cursor made by encodeCursor, if `check` accepts it.
 * @throws HttpError 400 bad_cursor for anything else
 */
export function decodeCursor<T>(cursor: string, check: (v: unknown) => v is T): T {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  if (!check(value)) throw new HttpError(400, 'bad_cursor', 'This page cursor is not valid: load the list again')
  return value
}
