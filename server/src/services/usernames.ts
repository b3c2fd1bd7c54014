/**
 * The one spelling of a username that sign-in looks up, throttling counts and new accounts are
 * stored under: trimmed, Unicode NFKC-normalised (UAX #15: full-width and compatibility forms fold
 * to their plain letters) and lower-cased, then NFKC again because lower-casing can leave a
 * non-normalised sequence. This approximates NFKC_Casefold (Unicode §3.13 / UTS #46). Names the
 * admin creates are ASCII (`[a-z0-9._-]`), for which this is just trim + lower case, so existing
 * users sign in as before; any other spelling of the same name ("  Agent1", "ａｇｅｎｔ１") maps to
 * the same account and the same throttle counters.
 */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').toLowerCase().normalize('NFKC').trim()
}
