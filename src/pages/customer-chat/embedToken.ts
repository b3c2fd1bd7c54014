/**
 * The chat token when the chat page is framed by a company's site (public/embed.js) and the
 * browser gives the frame no storage (third-party storage blocked: Safari, Firefox's strict mode,
 * Chrome's incognito). The site's panel then keeps the token for the site's pages in the site's
 * own storage: the page tells it the token (postMessage to the framing origin, which
 * `frame-ancestors` already limits to the origins listed for the queue), and the panel hands it
 * back in the frame's URL fragment (`#parley-token=…`: never sent to the server, removed from the
 * address at once).
 */

const PARAM = 'parley-token'

/** The token the site's panel passed in the fragment, read once at start. */
const passed: string | null = (() => {
  if (typeof window === 'undefined' || window.parent === window) return null
  try {
    const hash = new URLSearchParams(window.location.hash.slice(1))
    const token = hash.get(PARAM)
    if (token === null) return null
    hash.delete(PARAM)
    const rest = hash.toString()
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''))
    return /^[A-Za-z0-9_-]{20,200}$/.test(token) ? token : null
  } catch {
    return null
  }
})()

/** The framing site's origin (the direct parent), or null when not framed or unknown. */
function parentOrigin(): string | null {
  if (typeof window === 'undefined' || window.parent === window) return null
  const fromAncestors = window.location.ancestorOrigins?.[0]
  if (fromAncestors) return fromAncestors
  try {
    return document.referrer ? new URL(document.referrer).origin : null
  } catch {
    return null
  }
}

/** The token the framing site handed back, for this chat address (null when none). */
export function tokenFromHost(): string | null {
  return passed
}

/** Tells the framing site's panel this chat's token (null: forget it). Nothing when not framed. */
export function tellHost(address: string, token: string | null): void {
  const origin = parentOrigin()
  if (!origin) return
  try {
    window.parent.postMessage({ type: 'parley:token', address, token }, origin)
  } catch {
    // The parent went away: nothing to tell.
  }
}
