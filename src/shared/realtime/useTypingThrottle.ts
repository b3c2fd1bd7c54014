/** Calls `send` at most once per `intervalMs` while the user keeps typing. */
export function useTypingThrottle(send: () => void, intervalMs = 2000): () => void {
  let last = 0
  return () => {
    const now = Date.now()
    if (now - last < intervalMs) return
    last = now
    send()
  }
}
