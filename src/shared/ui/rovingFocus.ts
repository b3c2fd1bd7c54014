/**
 * Roving focus inside a popup (WAI-ARIA APG "Menu" and "Grid" keyboard patterns): arrow keys move
 * between `items` (wrapping in a list; clamped in a grid of `columns`), Home/End go to the first and
 * last. In a grid laid out right to left (Arabic) ArrowLeft goes to the next item, as on screen.
 * Framework-free; returns true when the key was handled (the caller then prevents default).
 */
export function moveFocus(key: string, items: HTMLElement[], columns = 1): boolean {
  const n = items.length
  if (!n) return false
  const i = items.indexOf(document.activeElement as HTMLElement)
  let next: number
  if (key === 'Home') next = 0
  else if (key === 'End') next = n - 1
  else if (columns > 1) {
    const forward = items[0] && getComputedStyle(items[0]).direction === 'rtl' ? -1 : 1
    const step = { ArrowRight: forward, ArrowLeft: -forward, ArrowDown: columns, ArrowUp: -columns }[key]
    if (step === undefined) return false
    next = Math.max(0, Math.min(n - 1, (i < 0 ? 0 : i) + step))
  } else {
    if (key === 'ArrowDown') next = (i + 1) % n
    else if (key === 'ArrowUp') next = (i - 1 + n) % n
    else return false
  }
  items[next]?.focus()
  return true
}
