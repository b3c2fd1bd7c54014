import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { deleteSetting, getSettingText, putSettingText } from '../db/repositories/settings.js'

/**
 * Customer identity (issue 10, point 6). What a customer types is never proof of who they are:
 * conversations are linked into one customer's history only by
 *  - the same browser: a random device key the chat page keeps (we store only its SHA-256), or
 *  - the company's website: `user_hash = hex(HMAC-SHA256(secret, user_id))`, computed by the
 *    website's server with the secret the admin set here (the scheme of Intercom's and Crisp's
 *    identity verification), compared in constant time.
 */

const SECRET_KEY = 'identity_secret'
/** Shortest secret the admin may set (characters): 128 bits of base64 or more. */
export const MIN_SECRET_LENGTH = 24

export type VerifiedIdentity =
  | { kind: 'website'; key: string; externalId: string }
  | { kind: 'device'; key: string; externalId: null }

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

export async function getIdentitySecret(db: Kysely<DB>): Promise<string | null> {
  return (await getSettingText(db, SECRET_KEY)) || null
}

/** Sets (or with null removes) the website's identity secret. It is never read back out in full. */
export async function setIdentitySecret(db: Kysely<DB>, secret: string | null): Promise<void> {
  if (secret === null) {
    await deleteSetting(db, SECRET_KEY)
    return
  }
  await putSettingText(db, SECRET_KEY, secret)
}

/** What the admin screen may show of the secret: whether one is set, and its last 4 characters. */
export async function identitySettings(db: Kysely<DB>): Promise<{ enabled: boolean; secretHint: string | null }> {
  const secret = await getIdentitySecret(db)
  return { enabled: !!secret, secretHint: secret ? `…${secret.slice(-4)}` : null }
}

/** The `user_hash` a website computes for `userId` (hex HMAC-SHA256 of the UTF-8 user id). */
export function userHashFor(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex')
}

/** Constant-time check of a website's signature of `userId`. */
export function verifyUserHash(secret: string, userId: string, userHash: string): boolean {
  const expected = Buffer.from(userHashFor(secret, userId), 'hex')
  const given = /^[0-9a-fA-F]{64}$/.test(userHash) ? Buffer.from(userHash, 'hex') : Buffer.alloc(0)
  // timingSafeEqual needs equal lengths; compare against itself so a wrong length takes the same time.
  return given.length === expected.length ? timingSafeEqual(given, expected) : (timingSafeEqual(expected, expected), false)
}

/**
 * The identity a chat start proves, if any: the website's signed user id when it verifies,
 * else the browser's device key, else none. A signature that does not verify proves nothing
 * (the chat still starts, as an unverified one).
 */
export async function provenIdentity(
  db: Kysely<DB>, input: { deviceKey?: string | undefined; userId?: string | undefined; userHash?: string | undefined },
): Promise<VerifiedIdentity | null> {
  if (input.userId && input.userHash) {
    const secret = await getIdentitySecret(db)
    if (secret && verifyUserHash(secret, input.userId, input.userHash)) {
      return { kind: 'website', key: `website:${sha256(input.userId)}`, externalId: input.userId }
    }
  }
  if (input.deviceKey) return { kind: 'device', key: `device:${sha256(input.deviceKey)}`, externalId: null }
  return null
}
