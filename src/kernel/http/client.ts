// The one HTTP client of the app (agent pages, customer page, admin, service worker), on ky.
// Paths are relative to /api. Failures reject with ApiError (./errors.ts), never anything else.
import ky, { HTTPError, type KyInstance, type Options } from 'ky'
import { ApiError, errorFromResponse, errorFromThrown } from './errors'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RequestOptions {
  json?: unknown
  searchParams?: Record<string, string | number | boolean | undefined>
  headers?: Record<string, string>
  /** The customer's chat token (sent as `Authorization: Bearer`); agents use the session cookie. */
  token?: string
  signal?: AbortSignal
  /** Let the request outlive the page (a setting changed right before a reload or sign-out). */
  keepalive?: boolean
  /** Milliseconds before the request counts as a network failure (default 15 s). */
  timeout?: number
}

type UnauthorizedHandler = (path: string) => void
let onUnauthorized: UnauthorizedHandler | null = null

/** The agent app routes to sign-in when a cookie request answers 401 (the customer page does not set this). */
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

/**
 * A state-changing request always carries a JSON body (`{}` when it has nothing to say), so it
 * always has Content-Type application/json: the server refuses other types on these methods (a
 * cross-site form can't send JSON without a CORS preflight).
 */
export function requestBody(method: Method, json: unknown): unknown {
  return method === 'GET' ? undefined : (json ?? {})
}

/**
 * A state-changing request for plain fetch (the service worker's injected fetch): JSON body and
 * Content-Type as the client sends them, the session cookie along.
 */
export function jsonInit(method: Exclude<Method, 'GET'>, json?: unknown): RequestInit {
  return {
    method,
    credentials: 'include',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(requestBody(method, json)),
  }
}

function kyOptions(method: Method, opts: RequestOptions): Options {
  const searchParams: Record<string, string> = {}
  for (const [k, v] of Object.entries(opts.searchParams ?? {})) if (v !== undefined) searchParams[k] = String(v)
  const headers = { ...opts.headers, ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}) }
  const json = requestBody(method, opts.json)
  return {
    method,
    ...(json === undefined ? {} : { json }),
    searchParams,
    headers,
    signal: opts.signal,
    ...(opts.timeout ? { timeout: opts.timeout } : {}),
    ...(opts.keepalive ? { keepalive: true } : {}),
  }
}

function strip(path: string): string {
  return path.replace(/^\/?(api\/)?/, '')
}

async function toApiError(e: unknown): Promise<ApiError> {
  if (e instanceof HTTPError) return errorFromResponse(e.response)
  return errorFromThrown(e)
}

async function send(method: Method, path: string, opts: RequestOptions): Promise<Response> {
  try {
    return await http(strip(path), kyOptions(method, opts))
  } catch (e) {
    const err = await toApiError(e)
    if (err.status === 401 && onUnauthorized && !opts.token && !opts.headers?.Authorization) onUnauthorized(path)
    throw err
  }
}

/** A JSON request: resolves with the parsed body, rejects with ApiError. Paths are relative to /api. */
export async function apiJson<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts)
  if (res.status === 204) return undefined as T
  try {
    return (await res.json()) as T
  } catch (e) {
    throw e instanceof SyntaxError ? new ApiError(res.status, 'bad_response', 'The server sent an answer that could not be read') : errorFromThrown(e)
  }
}

/** A request whose answer has no body worth reading (204). */
export async function apiVoid(method: Method, path: string, opts: RequestOptions = {}): Promise<void> {
  await send(method, path, opts)
}

/** A download: resolves with the answer's body as a Blob and its file name (Content-Disposition), rejects with ApiError. */
export async function apiBlob(method: Method, path: string, opts: RequestOptions = {}): Promise<{ blob: Blob; fileName: string | null }> {
  const res = await send(method, path, opts)
  try {
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? null
    return { blob: await res.blob(), fileName: name }
  } catch (e) {
    throw errorFromThrown(e)
  }
}
