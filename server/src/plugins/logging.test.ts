// Issue 10, point 10 (logs): the request log never holds a customer token, a signature, or the
// Authorization and Cookie headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test/helpers.js'
import { redactUrl } from './logging.js'

describe('request log', () => {
  let s: TestServer
  const lines: string[] = []
  beforeAll(async () => { s = await startTestServer({ logStream: { write: (line) => void lines.push(line) } }) })
  afterAll(async () => { await s.close() })

  it('redacts tokens in URLs and never writes credentials headers', async () => {
    await fetch(`${s.url}/api/public/attachments/x?token=SECRET1`)
    await fetch(`${s.url}/api/public/attachments/${crypto.randomUUID()}/thumb?a=1&sig=SECRET2&Token=SECRET3&signature=SECRET4`, {
      headers: { authorization: 'Bearer SECRET5', cookie: 'parley_session=SECRET6' },
    })
    await fetch(`${s.url}/api/nope?access_token=SECRET7`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    await new Promise((r) => setTimeout(r, 50))
    const log = lines.join('')
    // The log is on and has the requests…
    expect(log).toContain('/api/public/attachments/x?token=[redacted]')
    expect(log).toContain('a=1&sig=[redacted]&Token=[redacted]&signature=[redacted]')
    // …and none of the secrets.
    for (let i = 1; i <= 7; i++) expect(log).not.toContain(`SECRET${i}`)
  })

  it('keeps ordinary query parameters', () => {
    expect(redactUrl('/api/conversations?view=history')).toBe('/api/conversations?view=history')
    expect(redactUrl('/x?customer%5Ftoken=abc&b=2')).toBe('/x?customer%5Ftoken=[redacted]&b=2')
    expect(redactUrl('/x?%ZZ=1')).toBe('/x?%ZZ=1')
    expect(redactUrl('/x')).toBe('/x')
  })
})
