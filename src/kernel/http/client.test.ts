import { describe, expect, it } from 'vitest'
import { jsonInit, requestBody } from './client'
import { errorFromBody, errorFromThrown } from './errors'

describe('the one HTTP client', () => {
  it('gives every state-changing request a JSON body ({} when it has none), and GET none', () => {
    expect(requestBody('GET', undefined)).toBeUndefined()
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) expect(requestBody(method, undefined)).toEqual({})
    expect(requestBody('POST', { seq: 3 })).toEqual({ seq: 3 })
    const init = jsonInit('DELETE')
    expect(new Headers(init.headers).get('content-type')).toBe('application/json')
    expect(init.body).toBe('{}')
  })

  it('parses errors once: the server’s {error:{code,message}}, else words for the status; no answer is status 0', () => {
    expect(errorFromBody(409, JSON.stringify({ error: { code: 'offer_gone', message: 'The offer ran out' } }))).toMatchObject({ status: 409, code: 'offer_gone', message: 'The offer ran out' })
    expect(errorFromBody(502, '<html>Bad gateway</html>')).toMatchObject({ status: 502, code: 'http_502', isTransient: true })
    expect(errorFromBody(413, '')).toMatchObject({ message: 'This file is too big.' })
    expect(errorFromThrown(new TypeError('Failed to fetch'))).toMatchObject({ status: 0, code: 'network', isNetwork: true })
    expect(errorFromThrown(new DOMException('t', 'TimeoutError'))).toMatchObject({ status: 0, code: 'timeout' })
    expect(errorFromThrown(new DOMException('a', 'AbortError'))).toMatchObject({ status: 0, code: 'aborted' })
  })
})
