/**
 * Coalesces writes to IndexedDB behind the changes that call for them. `schedule()` after each
 * change: the first one writes at the end of the current task (a microtask), and the changes made
 * while that write is in flight (say, one socket frame after another) are written together right
 * after it. So a burst costs a few transactions, not one per change, and writes never overlap.
 *
 * `write` takes what has accumulated since the last call (the caller keeps it) and writes it; it
 * should report its own errors: a rejection is swallowed here, and the next change writes again.
 * Returns `schedule`.
 */
export function writeBehind(write: () => Promise<unknown> | void): () => void {
  let state: 'idle' | 'scheduled' | 'writing' = 'idle'
  let again = false
  const run = async (): Promise<void> => {
    state = 'writing'
    do {
      again = false
      try {
        await write()
      } catch {
        // reported by the writer
      }
    } while (again)
    state = 'idle'
  }
  return () => {
    if (state === 'idle') {
      state = 'scheduled'
      queueMicrotask(() => void run())
    } else if (state === 'writing') {
      again = true
    }
  }
}
