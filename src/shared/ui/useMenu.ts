import { nextTick, onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { moveFocus } from './rovingFocus'

/**
 * The behaviour every popup shares (WAI-ARIA APG menu button): opening focuses the chosen item
 * (first, last or `current`), arrows/Home/End move (see moveFocus), Escape closes and returns focus to
 * the trigger, Tab closes and lets focus move on, a pointer down outside `root` closes.
 * `items()` lists the focusable entries of the open panel.
 */
export function useMenu(opts: {
  root: Readonly<Ref<HTMLElement | null>>
  trigger: () => HTMLElement | null
  items: () => HTMLElement[]
  columns?: number
  /** Index to focus on open when not given (e.g. the checked option). */
  current?: () => number
}) {
  const open = ref(false)

  async function show(focus: 'first' | 'last' | 'current' = 'current') {
    open.value = true
    await nextTick()
    const list = opts.items()
    const i = focus === 'first' ? 0 : focus === 'last' ? list.length - 1 : Math.max(0, opts.current?.() ?? 0)
    list[i]?.focus()
  }

  function hide(refocus = true) {
    open.value = false
    if (refocus) opts.trigger()?.focus()
  }

  function toggle() {
    if (open.value) hide()
    else void show()
  }

  function onTriggerKeydown(e: KeyboardEvent) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      void show(e.key === 'ArrowUp' ? 'last' : 'first')
    }
  }

  function onPanelKeydown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      hide()
    } else if (e.key === 'Tab') hide(false)
    else if (moveFocus(e.key, opts.items(), opts.columns)) e.preventDefault()
  }

  function onOutside(e: Event) {
    const root = opts.root.value
    if (root && e.target instanceof Node && !root.contains(e.target)) hide(false)
  }
  watch(open, (on) => {
    if (on) document.addEventListener('pointerdown', onOutside, true)
    else document.removeEventListener('pointerdown', onOutside, true)
  })
  onBeforeUnmount(() => document.removeEventListener('pointerdown', onOutside, true))

  return { open, show, hide, toggle, onTriggerKeydown, onPanelKeydown }
}
