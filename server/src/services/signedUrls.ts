import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Attachment, SignedAttachmentUrls, Message } from '../api-types.js'
import type { DB } from '../db/schema.js'
import { getSettingText, putSettingText } from '../db/repositories/settings.js'

/**
 * Short-lived signed URLs for customers' <img> and <video> (issue 10, point 10). An element
 * can't send an Authorization header, and a customer token in a query string ends up in logs,
 * histories and caches; a signed URL opens one rendering of one file until it expires, nothing else.
 *
 * URL: /api/public/attachments/<id>[/thumb|/preview]?exp=<unix seconds>&sig=<base64url>
 * sig = HMAC-SHA256(secret, "v1\n<id>\n<variant>\n<exp>"), compared in constant time. The secret
 * is generated on first start and kept in the database, so every process signs and checks alike.
 */

export type Variant = 'original' | 'thumb' | 'preview'

const SECRET_KEY = 'attachment_url_secret'

/** The signing secret: created once (the first process to start wins), then read by every process. */
export async function loadUrlSecret(db: Kysely<DB>): Promise<Buffer> {
  await putSettingText(db, SECRET_KEY, randomBytes(32).toString('base64url'), false)
  return Buffer.from((await getSettingText(db, SECRET_KEY))!, 'base64url')
}

export interface UrlSigner {
  /** Seconds a URL stays valid at least (and at most this plus a quarter of it). */
  readonly ttlSeconds: number
  /** The customer URLs of a stored file, valid until `expiresAt` (epoch ms). */
  urls(a: Pick<Attachment, 'id' | 'hasThumb' | 'hasPreview'>, nowMs?: number): SignedAttachmentUrls
  /** Seconds the URL stays valid (> 0), or 0 when the signature is wrong or expired. */
  check(id: string, variant: Variant, exp: number, sig: string, nowMs?: number): number
}

export function createUrlSigner(secret: Buffer, ttlSeconds: number): UrlSigner {
  const mac = (id: string, variant: Variant, exp: number) =>
    createHmac('sha256', secret).update(`v1\n${id}\n${variant}\n${exp}`).digest()
  // Expiries are rounded up to a step, so one file keeps one URL for a while: browsers and the
  // service worker can reuse what they fetched instead of fetching under a new URL each time.
  const step = Math.max(60, Math.floor(ttlSeconds / 4))
  return {
    ttlSeconds,
    urls(a, nowMs = Date.now()) {
      const exp = Math.ceil((Math.floor(nowMs / 1000) + ttlSeconds) / step) * step
      const url = (variant: Variant) => {
        const path = `/api/public/attachments/${encodeURIComponent(a.id)}${variant === 'original' ? '' : `/${variant}`}`
        return `${path}?exp=${exp}&sig=${mac(a.id, variant, exp).toString('base64url')}`
      }
      return {
        original: url('original'),
        thumb: a.hasThumb ? url('thumb') : null,
        preview: a.hasPreview ? url('preview') : null,
        expiresAt: exp * 1000,
      }
    },
    check(id, variant, exp, sig, nowMs = Date.now()) {
      const left = exp - Math.floor(nowMs / 1000)
      if (!Number.isSafeInteger(exp) || left <= 0) return 0
      const given = /^[A-Za-z0-9_-]{43}$/.test(sig) ? Buffer.from(sig, 'base64url') : Buffer.alloc(0)
      const expected = mac(id, variant, exp)
      return given.length === expected.length && timingSafeEqual(given, expected) ? left : 0
    },
  }
}

/** A message as a customer gets it: each file with its signed URLs. */
export function withSignedUrls(signer: UrlSigner, m: Message): Message {
  if (!m.attachments?.length) return m
  return { ...m, attachments: m.attachments.map((a) => ({ ...a, urls: signer.urls(a) })) }
}
