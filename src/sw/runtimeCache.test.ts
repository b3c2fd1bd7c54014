import { describe, expect, it, vi } from 'vitest'

// Workbox's modules expect a worker's `self`.
vi.stubGlobal('self', globalThis)
const { isCachedAttachment, signedUrlLifetime } = await import('./runtimeCache')

const origin = 'https://parley.example'
const get = (headers: Record<string, string> = {}) => ({ method: 'GET', headers: new Headers(headers) })
const check = (path: string, req = get()) => isCachedAttachment(new URL(path, origin), req, origin)

describe('the attachment cache', () => {
  it('holds files and thumbnails of agents and customers', () => {
    expect(check('/api/attachments/abc')).toBe(true)
    expect(check('/api/attachments/abc/thumb')).toBe(true)
    expect(check('/api/attachments/abc/preview')).toBe(true)
    expect(check('/api/public/attachments/abc/thumb?exp=1&sig=s')).toBe(true)
  })

  it('answers a customer\'s signed URL from the cache only while the signature lives', async () => {
    const cached = new Response('bytes')
    const use = (path: string) => signedUrlLifetime.cachedResponseWillBeUsed({ request: new Request(origin + path), cachedResponse: cached })
    const now = Math.floor(Date.now() / 1000)
    expect(await use(`/api/public/attachments/abc/thumb?exp=${now + 60}&sig=s`)).toBe(cached)
    expect(await use(`/api/public/attachments/abc/thumb?exp=${now - 1}&sig=s`)).toBeNull()
    expect(await use('/api/public/attachments/abc?token=t')).toBeNull()
    // Agents' cookie URLs don't expire.
    expect(await use('/api/attachments/abc')).toBe(cached)
  })

  it('leaves everything else to the network: uploads, other API calls, ranges, other origins', () => {
    expect(check('/api/attachments/abc', { method: 'POST', headers: new Headers() })).toBe(false)
    expect(check('/api/conversations/x/attachments')).toBe(false)
    expect(check('/api/attachments/abc/other')).toBe(false)
    expect(check('/api/conversations')).toBe(false)
    expect(check('/api/attachments/abc', get({ Range: 'bytes=0-' }))).toBe(false)
    expect(isCachedAttachment(new URL('https://elsewhere.example/api/attachments/abc'), get(), origin)).toBe(false)
  })
})
