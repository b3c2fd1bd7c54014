import ky, { HTTPError, type KyInstance, type Options } from 'ky'
import { ApiError } from './errors'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RequestOptions {
  json?: unknown
  searchParams?: Record<string, string | number | boolean | undefined>
  headers?: Record<string, string>
  signal?: AbortSignal
  /** Let the request outlive the page (a setting changed right before a reload or sign-out). */
  keepalive?: boolean
}

type UnauthorizedHandler = (path: string) => void
let onUnauthorized: UnauthorizedHandler | null = null

/** The agent app routes to sign-in when a request answers 401 (the customer page does not set this). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler
}

const http: KyInstance = ky.create({
  prefixUrl: '/api',
  credentials: 'same-origin',
  retry: 0,
  timeout: 15_000,
  headers: { Accept: 'application/json' },
})

async function toApiError(e: unknown): Promise<ApiError> {
  if (e instanceof ApiError) return e
  if (e instanceof HTTPError) {
    const status = e.response.status
    let code = `http_${status}`
    let message = e.response.statusText || `Request failed (${status})`
    try {
      const body = (await e.response.json()) as { error?: { code?: string; message?: string } }
      if (body?.error?.code) code = body.error.code
      if (body?.error?.message) message = body.error.message
    } catch {
      // not JSON: keep the status text
    }
    return new ApiError(status, code, message)
  }
  if (e instanceof DOMException && e.name === 'AbortError') return new ApiError(0, 'aborted', 'The request was cancelled')
  return new ApiError(0, 'network', e instanceof Error ? e.message : 'Network error')
}

function kyOptions(method: Method, opts: RequestOptions): Options {
  const searchParams: Record<string, string> = {}
  for (const [k, v] of Object.entries(opts.searchParams ?? {})) if (v !== undefined) searchParams[k] = String(v)
  // The server takes state-changing requests as JSON only (its guard against cross-site form posts):
  // a request with nothing to say still sends {}.
  const json = opts.json ?? (method === 'GET' ? undefined : {})
  return { method, json, searchParams, headers: opts.headers, signal: opts.signal, ...(opts.keepalive ? { keepalive: true } : {}) }
}

function strip(path: string): string {
  return path.replace(/^\/?(api\/)?/, '')
}

async function send(method: Method, path: string, opts: RequestOptions): Promise<Response> {
  try {
    return await http(strip(path), kyOptions(method, opts))
  } catch (e) {
    const err = await toApiError(e)
    if (err.status === 401 && onUnauthorized && !opts.headers?.Authorization) onUnauthorized(path)
    throw err
  }
}

/** A JSON request: resolves with the parsed body, rejects with ApiError. Paths are relative to /api. */
export async function apiJson<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

/** A request whose answer has no body worth reading (204). */
export async function apiVoid(method: Method, path: string, opts: RequestOptions = {}): Promise<void> {
  await send(method, path, opts)
}
