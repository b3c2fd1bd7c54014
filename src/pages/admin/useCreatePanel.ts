import { nextTick, ref, type Ref } from 'vue'

/**
 * The "New …" panel of an admin list: `toggle()` opens it (calling `onOpen`, which closes any row
 * panel) or closes it; `close(message)` closes it, announces what was done and puts focus back on
 * the button that opened it.
 */
export function useCreatePanel(button: Ref<{ $el: unknown } | null>, announce: (message: string) => unknown, onOpen: () => void) {
  const creating = ref(false)

  async function close(message?: string) {
    creating.value = false
    if (message) void announce(message)
    await nextTick()
    ;(button.value?.$el as HTMLElement | undefined)?.focus()
  }
  function toggle() {
    if (creating.value) return close()
    onOpen()
    creating.value = true
  }
  return { creating, close, toggle }
}
