import { onBeforeUnmount } from 'vue'

/**
 * When the chat page is shown in a company site's panel (public/embed.js frames it), Escape
 * inside the chat must close the panel, but key presses in a frame never reach the page around
 * it: the chat posts `{type:'parley:close'}` to its parent, which embed.js accepts only from this
 * origin's frame. Nothing secret is posted, so any parent may hear it. An Escape a dialog or
 * menu already handled (defaultPrevented) is left alone.
 */
export function useEmbedBridge(): void {
  if (typeof window === 'undefined' || window.parent === window) return
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing) return
    if (document.querySelector('dialog[open]')) return
    window.parent.postMessage({ type: 'parley:close' }, '*')
  }
  window.addEventListener('keydown', onKey)
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}
