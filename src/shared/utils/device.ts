/** A real keyboard and a mouse: Enter sends. On touch devices Enter makes a new line. */
export function prefersEnterToSend(): boolean {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return true
  return window.matchMedia('(hover: hover) and (pointer: fine)').matches
}
