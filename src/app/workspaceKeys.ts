import { nextTick, type Ref } from 'vue'
import type { Router } from 'vue-router'
import type { ListView } from '@/entities/conversation/types'
import { isTypingTarget, neighbour, shortcutFor } from './shortcuts'

/** The search field of the lists carries this attribute, so a shortcut can focus it. */
export const SEARCH_FIELD_SELECTOR = '[data-list-search]'

/** What the shortcuts act on. */
export interface WorkspaceKeys {
  router: Router
  /** The list shown (or last shown) and its conversation ids in order. */
  view: Ref<ListView>
  ids: () => string[]
  /** The open conversation's id, or null. */
  openId: Ref<string | null>
  /** Set to true by `?`: the Keyboard shortcuts dialog. */
  helpOpen: Ref<boolean>
}

/**
 * Listens for the agent's keyboard shortcuts (see `shortcutFor`) on the window: move through the
 * list, focus Search, open the shortcuts dialog. Keys pressed while a dialog is open are left to
 * it. Loaded after the first paint (its own chunk); returns the function that stops listening.
 */
export function installWorkspaceKeys(k: WorkspaceKeys): () => void {
  async function focusSearch() {
    let field = document.querySelector<HTMLInputElement>(SEARCH_FIELD_SELECTOR)
    if (!field) {
      await k.router.push(`/${k.view.value}`)
      await nextTick()
      field = document.querySelector<HTMLInputElement>(SEARCH_FIELD_SELECTOR)
    }
    field?.focus()
    field?.select()
  }

  function onKeydown(e: KeyboardEvent) {
    if (e.defaultPrevented || document.querySelector('dialog[open]')) return
    const action = shortcutFor(e, isTypingTarget(document.activeElement))
    if (!action) return
    e.preventDefault()
    if (action === 'help') k.helpOpen.value = true
    else if (action === 'search') void focusSearch()
    else {
      const target = neighbour(k.ids(), k.openId.value, action)
      if (target) void k.router.push(`/conversations/${target}`)
    }
  }

  window.addEventListener('keydown', onKeydown)
  return () => window.removeEventListener('keydown', onKeydown)
}
