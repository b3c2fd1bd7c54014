import { ApiError } from '../api/errors'
import { errorFromResponse, fetchTransport, type Transport } from './send'

/**
 * The page's transport: uploads through XMLHttpRequest, the only browser API that reports upload
 * progress (fetch doesn't); JSON requests through fetch.
 */
export const xhrTransport: Transport = {
  postJson: fetchTransport.postJson,
  postForm<T>(path: string, form: FormData, onProgress?: (sent: number, total: number) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open('POST', `/api/${path}`)
      xhr.withCredentials = true
      xhr.setRequestHeader('Accept', 'application/json')
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress?.(e.loaded, e.total)
      }
      xhr.onerror = () => reject(new ApiError(0, 'network', 'Network error'))
      xhr.ontimeout = () => reject(new ApiError(0, 'network', 'The upload timed out'))
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
        void errorFromResponse(new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText })).then(reject)
      }
      xhr.send(form)
    })
  },
}
