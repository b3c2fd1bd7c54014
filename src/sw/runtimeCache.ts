/// <reference lib="WebWorker" />
import { CacheableResponsePlugin } from 'workbox-cacheable-response'
import { ExpirationPlugin } from 'workbox-expiration'
import { registerRoute } from 'workbox-routing'
import { CacheFirst } from 'workbox-strategies'
import { ATTACHMENT_CACHE } from '../kernel/cacheNames'

/** Caps of the attachment cache: the oldest go first, and everything on a full disk. */
export const ATTACHMENT_CACHE_MAX_ENTRIES = 150
export const ATTACHMENT_CACHE_MAX_AGE_SECONDS = 30 * 24 * 60 * 60

const ATTACHMENT_PATH = /^\/api\/(public\/)?attachments\/[^/]+(\/(thumb|preview))?$/

/**
 * Which requests the attachment cache answers: GETs of files and thumbnails on our origin, without
 * a Range header (a video plays by ranges straight from the network: a cached whole file can't
 * answer them, and videos would crowd the photos out of the cap).
 */
export function isCachedAttachment(url: URL, request: Pick<Request, 'method' | 'headers'>, origin: string): boolean {
  return url.origin === origin && request.method === 'GET' && !request.headers.has('range') && ATTACHMENT_PATH.test(url.pathname)
}

/**
 * Seconds since the epoch after which a cached answer for `url` may not be used: the expiry of a
 * customer's signed URL (`?exp=`), so a file is kept no longer than its signature lives. Infinity
 * for agents' cookie URLs.
 */
export function signedUrlExpiry(url: URL): number {
  if (!url.pathname.startsWith('/api/public/')) return Infinity
  const exp = Number(url.searchParams.get('exp'))
  return Number.isFinite(exp) && exp > 0 ? exp : 0
}

/** Answers from the cache only while their signed URL is valid (issue 10). */
export const signedUrlLifetime = {
  cachedResponseWillBeUsed: async ({ request, cachedResponse }: { request: Request; cachedResponse?: Response | undefined }) =>
    cachedResponse && signedUrlExpiry(new URL(request.url)) * 1000 > Date.now() ? cachedResponse : null,
}

/**
 * Attachments and thumbnails are immutable by id (the server says so): cache first, so they show
 * offline. Only complete 200 answers are kept (never an error, a 206 or an opaque answer), and a
 * customer's signed URL is answered from the cache only until it expires.
 */
export function registerRuntimeCaching(origin: string): void {
  registerRoute(
    ({ url, request }) => isCachedAttachment(url, request, origin),
    new CacheFirst({
      cacheName: ATTACHMENT_CACHE,
      plugins: [
        signedUrlLifetime,
        new CacheableResponsePlugin({ statuses: [200] }),
        new ExpirationPlugin({
          maxEntries: ATTACHMENT_CACHE_MAX_ENTRIES,
          maxAgeSeconds: ATTACHMENT_CACHE_MAX_AGE_SECONDS,
          purgeOnQuotaError: true,
        }),
      ],
    }),
  )
}
