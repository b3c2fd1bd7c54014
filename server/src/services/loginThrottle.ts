import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { deleteExpiredCounters, hitCounter, refundCounters } from '../db/repositories/rateLimits.js'

/** How many failed sign-ins each limit allows (0 or less turns that limit off). */
export interface LoginLimits {
  /** Per address and username, per minute (LOGIN_LIMIT): then 429 until the minute ends. */
  perAddressAndUsername: number
  /** Per address across usernames, per 10 minutes (LOGIN_ADDRESS_LIMIT): password spraying from one address. */
  perAddress: number
  /**
   * Per username across addresses, per 15 minutes (LOGIN_USERNAME_LIMIT): guessing one password
   * from many addresses. Past it the username is slowed, not locked: one attempt per SLOW_MS from
   * anywhere, so its real owner waits seconds, never the window.
   */
  perUsername: number
}

const MINUTE = 60_000
const PAIR_WINDOW_MS = MINUTE
const ADDRESS_WINDOW_MS = 10 * MINUTE
const USERNAME_WINDOW_MS = 15 * MINUTE
/** Past the per-username limit: at most one attempt for that username per this many ms. */
export const SLOW_MS = 3_000

export type LoginGate =
  | { allowed: true; /** The sign-in succeeded: it does not count as a failure. */ succeeded(): Promise<void> }
  | { allowed: false; /** Whole seconds until an attempt may be admitted (Retry-After, RFC 9110 §10.2.3). */ retryAfter: number }

let lastCleanup = 0

/**
 * Counts one sign-in attempt for (address, username) against every limit, before the password
 * is checked. `username` must already be normalized (normalizeUsername), the same value the
 * sign-in looks up, so a re-spelt name counts against the same account. Every attempt counts as
 * it arrives (so parallel guesses cannot slip in before failures are recorded); a success takes
 * its hit back, so only failures add up.
 */
export async function admitLogin(db: Kysely<DB>, address: string, username: string, limits: LoginLimits, now = Date.now()): Promise<LoginGate> {
  if (now - lastCleanup > MINUTE) {
    lastCleanup = now
    await deleteExpiredCounters(db, now)
  }
  const counted: string[] = []
  const wait = (resetAt: number) => ({ allowed: false as const, retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)) })

  const hit = async (key: string, windowMs: number, max: number) => {
    const c = await hitCounter(db, key, windowMs, now)
    counted.push(key)
    return c.hits > max ? c : undefined
  }
  // JSON-encoded parts so no username or address can forge another key.
  const pair = limits.perAddressAndUsername > 0 ? await hit(`login:pair:${JSON.stringify([address, username])}`, PAIR_WINDOW_MS, limits.perAddressAndUsername) : undefined
  if (pair) return wait(pair.resetAt)
  const addr = limits.perAddress > 0 ? await hit(`login:addr:${JSON.stringify(address)}`, ADDRESS_WINDOW_MS, limits.perAddress) : undefined
  if (addr) return wait(addr.resetAt)
  const user = limits.perUsername > 0 ? await hit(`login:user:${JSON.stringify(username)}`, USERNAME_WINDOW_MS, limits.perUsername) : undefined
  if (user) {
    // Slowed, not locked: one attempt per SLOW_MS for this username from anywhere.
    const slot = await hitCounter(db, `login:slow:${JSON.stringify(username)}`, SLOW_MS, now)
    if (slot.hits > 1) return wait(slot.resetAt)
  }
  return { allowed: true, succeeded: () => refundCounters(db, counted) }
}
