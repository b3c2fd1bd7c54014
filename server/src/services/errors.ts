/** An error with an HTTP status and a stable code, rendered as { error: { code, message } }. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Response headers that go with it (Retry-After on 503 and 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }
}

export const notFound = (what = 'Not found') => new HttpError(404, 'not_found', what)
export const conflict = (code: string, message: string) => new HttpError(409, code, message)
