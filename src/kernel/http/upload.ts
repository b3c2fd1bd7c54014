// The one uploader (agent outbox, customer outbox, page or service worker): multipart POST with
// upload progress. Only XMLHttpRequest reports upload progress; the service worker has no XHR and
// uploads with fetch (no progress). Failures reject with ApiError.
import { ApiError, errorFromBody, errorFromResponse, errorFromThrown } from './errors'

export interface UploadOptions {
  /** The customer's chat token (Bearer); agents use the session cookie. */
  token?: string
  /** Bytes sent so far and the body's size, while it goes out (XHR only). */
  onProgress?: (sent: number, total: number) => void
  /** Milliseconds before the upload counts as a network failure (default 5 minutes). */
  timeout?: number
}

const UPLOAD_TIMEOUT_MS = 5 * 60_000

/** POSTs `form` to /api/`path`; resolves with the parsed JSON answer. */
export function upload<T>(path: string, form: FormData, opts: UploadOptions = {}): Promise<T> {
  const url = `/api/${path.replace(/^\/?(api\/)?/, '')}`
  if (typeof XMLHttpRequest === 'undefined') return uploadWithFetch<T>(url, form, opts)
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.withCredentials = true
    xhr.timeout = opts.timeout ?? UPLOAD_TIMEOUT_MS
    xhr.setRequestHeader('Accept', 'application/json')
    if (opts.token) xhr.setRequestHeader('Authorization', `Bearer ${opts.token}`)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) opts.onProgress?.(e.loaded, e.total)
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Network error'))
    xhr.ontimeout = () => reject(new ApiError(0, 'timeout', 'The upload timed out'))
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'The upload was cancelled'))
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve((xhr.status === 204 ? undefined : JSON.parse(xhr.responseText)) as T)
        } catch {
          reject(new ApiError(xhr.status, 'bad_response', 'The server sent an answer that could not be read'))
        }
        return
      }
      if (xhr.status < 200 || xhr.status > 599) return reject(new ApiError(0, 'network', 'Network error'))
      reject(errorFromBody(xhr.status, xhr.responseText, xhr.status === 413 ? 'This file is too big.' : undefined))
    }
    xhr.send(form)
  })
}

async function uploadWithFetch<T>(url: string, form: FormData, opts: UploadOptions): Promise<T> {
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}) },
      signal: AbortSignal.timeout(opts.timeout ?? UPLOAD_TIMEOUT_MS),
    })
  } catch (e) {
    throw errorFromThrown(e)
  }
  if (!res.ok) throw await errorFromResponse(res)
  return (res.status === 204 ? undefined : await res.json()) as T
}
