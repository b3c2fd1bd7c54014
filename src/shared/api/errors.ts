/**
 * Every failed request becomes an ApiError. `status` is 0 when the request never got an
 * answer (offline, DNS, timeout, connection reset).
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

/** A message fit for the user, whatever was thrown. */
export function errorMessage(e: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (isApiError(e)) {
    if (e.isNetwork) return "Can't reach Parley. Check your connection and try again."
    return e.message || fallback
  }
  return fallback
}
