// The first screen an agent sees is painted from the offline copy before anything else starts:
// the page says when it has painted (`markFirstPaint`), and the agent runtime waits for that
// (`afterFirstPaint`) before it opens the socket, drains the outbox and sets up push.

let markPainted: () => void = () => undefined
const painted = new Promise<void>((resolve) => (markPainted = resolve))

/** Resolves after the next frame has been painted (or after `ms` when no frame comes: a hidden tab). */
export function afterNextFrame(ms = 100): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    const done = () => {
      clearTimeout(timer)
      resolve()
    }
    if (typeof requestAnimationFrame !== 'function') return done()
    // The callback runs before the frame's paint; the task after it runs once it is painted.
    requestAnimationFrame(() => setTimeout(done, 0))
  })
}

/** The page on screen has rendered what it can show without the network (its offline copy, or nothing). */
export function markFirstPaint(): void {
  void afterNextFrame().then(markPainted)
}

/**
 * Resolves once the first screen has painted from the offline copy (`markFirstPaint`), or after
 * `ms` (milliseconds) at the latest, so a slow or hanging IndexedDB never holds the network back.
 */
export function afterFirstPaint(ms = 1500): Promise<void> {
  return Promise.race([painted, new Promise<void>((resolve) => setTimeout(resolve, ms))])
}
