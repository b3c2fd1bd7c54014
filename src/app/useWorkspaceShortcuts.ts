import { nextTick, onBeforeUnmount, onMounted, ref, type Ref } from 'vue'
import { useRouter } from 'vue-router'
import { useConversationStore } from '@/entities/conversation/store'
import type { ListView } from '@/entities/conversation/types'
import { isTypingTarget, neighbour, shortcutFor } from './shortcuts'

/** The search field of the lists carries this attribute, so a shortcut can focus it. */
export const SEARCH_FIELD_SELECTOR = '[data-list-search]'

/**
 * The agent's keyboard shortcuts (see `shortcutFor`): move through the list shown (`view`), focus
 * Search, open the Keyboard shortcuts dialog (`helpOpen`). Keys pressed inside an open dialog are
 * left to it.
 */
export function useWorkspaceShortcuts(view: Ref<ListView>, openId: Ref<string | null>) {
  const router = useRouter()
  const store = useConversationStore()
  const helpOpen = ref(false)

  async function focusSearch() {
    let field = document.querySelector<HTMLInputElement>(SEARCH_FIELD_SELECTOR)
    if (!field) {
      await router.push(`/${view.value}`)
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
    if (action === 'help') helpOpen.value = true
    else if (action === 'search') void focusSearch()
    else {
      const target = neighbour(store.list(view.value).map((c) => c.id), openId.value, action)
      if (target) void router.push(`/conversations/${target}`)
    }
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
  return { helpOpen }
}
