/** What a key press asks the workspace to do. */
export type ShortcutAction = 'next' | 'previous' | 'search' | 'help'

/** The key press as far as shortcuts care (a KeyboardEvent fits). */
export interface KeyPress {
  key: string
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  shiftKey?: boolean
  isComposing?: boolean
  keyCode?: number
}

/**
 * The workspace's keyboard shortcuts. `typing` is true while the focus is in a text field: then only
 * the chorded ones count (Alt+↑/↓, Ctrl/⌘+K), so j, k, / and ? stay text.
 * - Alt+ArrowDown or j: next conversation; Alt+ArrowUp or k: previous
 * - Ctrl+K, ⌘K or /: focus Search
 * - ?: the Keyboard shortcuts dialog
 * Returns null for any other key.
 */
export function shortcutFor(e: KeyPress, typing: boolean): ShortcutAction | null {
  // An input method's key (Safari sends its confirming keys with keyCode 229): never a shortcut.
  if (e.isComposing || e.keyCode === 229) return null
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    if (e.key === 'ArrowDown') return 'next'
    if (e.key === 'ArrowUp') return 'previous'
    return null
  }
  if ((e.ctrlKey || e.metaKey) && !e.altKey) return e.key.toLowerCase() === 'k' ? 'search' : null
  if (typing || e.ctrlKey || e.metaKey) return null
  if (e.key === 'j') return 'next'
  if (e.key === 'k') return 'previous'
  if (e.key === '/') return 'search'
  if (e.key === '?') return 'help'
  return null
}

/** Whether the focus is somewhere keys type text (inputs, text areas, editable content). */
export function isTypingTarget(el: Element | null): boolean {
  if (!el) return false
  if (el instanceof HTMLTextAreaElement) return true
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(el.type)
  if (el instanceof HTMLSelectElement) return true
  return (el as HTMLElement).isContentEditable === true
}

/**
 * The conversation to move to: the one after (or before) `currentId` in `ids`, the first (or last)
 * when `currentId` is not in the list; null at either end or with an empty list.
 */
export function neighbour(ids: readonly string[], currentId: string | null, action: 'next' | 'previous'): string | null {
  if (!ids.length) return null
  const i = currentId ? ids.indexOf(currentId) : -1
  if (i < 0) return action === 'next' ? ids[0]! : ids[ids.length - 1]!
  const j = action === 'next' ? i + 1 : i - 1
  return j >= 0 && j < ids.length ? ids[j]! : null
}
