// The one error type of every request the app makes (pages and service worker), and its one
// parser. The server answers errors as {error:{code,message}} (server/src/api-types.ts ApiError).

/**
 * Every failed request becomes an ApiError. `status` is 0 when the request never got an
 * answer (offline, DNS, timeout, connection reset); `code` is then 'network', 'timeout' or 'aborted'.
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: string

  constructor(status: number, code: string, message: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }

  get isNetwork(): boolean {
    return this.status === 0
  }

  /** Worth trying again later: no answer, a server error or rate limiting. */
  get isTransient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429 || this.status === 408
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

/** A request that got no answer from the server (offline, DNS, timeout), not a cancel. */
export function isNetworkError(e: unknown): boolean {
  return isApiError(e) && e.status === 0 && e.code !== 'aborted'
}

/** The error answer's body as an ApiError; `fallback` words a body that is not the server's JSON. */
export function errorFromBody(status: number, body: string, fallback?: string): ApiError {
  let parsed: unknown = null
  try {
    parsed = JSON.parse(body)
  } catch {
    // not JSON (a proxy's page): keep the generic words
  }
  return errorFromJson(status, parsed, fallback)
}

/** An already parsed error answer (`{error:{code,message}}`, or anything else) as an ApiError. */
export function errorFromJson(status: number, body: unknown, fallback?: string): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`
  const message = typeof error?.message === 'string' && error.message ? error.message : (fallback ?? defaultMessage(status))
  return new ApiError(status, code, message)
}

/** An error Response (fetch or ky) as an ApiError. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body = ''
  try {
    body = await res.clone().text()
  } catch {
    // the body was already read or the connection dropped
  }
  return errorFromBody(res.status, body)
}

function defaultMessage(status: number): string {
  if (status === 413) return 'This file is too big.'
  if (status === 429) return 'Too many attempts. Please wait a moment and try again.'
  if (status >= 500) return 'The server had a problem. Please try again.'
  return `Request failed (${status})`
}

/** A failure before any answer (fetch's TypeError, ky's TimeoutError, an abort) as an ApiError. */
export function errorFromThrown(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: unknown }).name) : ''
  if (name === 'AbortError') return new ApiError(0, 'aborted', 'The request was cancelled')
  if (name === 'TimeoutError') return new ApiError(0, 'timeout', 'The server took too long to answer')
  return new ApiError(0, 'network', e instanceof Error && e.message ? e.message : 'Network error')
}

/** A message fit for the user, whatever was thrown. */
export function errorMessage(e: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (isApiError(e)) {
    if (e.isNetwork) return "Can't reach Parley. Check your connection and try again."
    return e.message || fallback
  }
  return fallback
}
