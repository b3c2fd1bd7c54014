import { useDrag } from '@vueuse/gesture'
import { ref, type Ref } from 'vue'

/** How far (px, after resistance) the thread must be pulled before letting go loads. */
export const PULL_TRIGGER = 64
const PULL_MAX = 96

/**
 * Swipe down at the top of a scrolled list (touch): `pull` follows the finger (with resistance)
 * while the list is at its top; letting go past PULL_TRIGGER calls `onPull`.
 */
export function usePullToLoad(target: Ref<HTMLElement | null>, onPull: () => void, enabled: () => boolean) {
  const pull = ref(0)
  let armed = false

  useDrag(
    ({ first, last, movement: [, my], canceled, tap }) => {
      const el = target.value
      if (first) armed = !!el && el.scrollTop <= 0 && enabled()
      if (!armed || tap) {
        pull.value = 0
        return
      }
      if (last || canceled) {
        const release = pull.value
        pull.value = 0
        armed = false
        if (!canceled && release >= PULL_TRIGGER) onPull()
        return
      }
      // Only while the list stays at its top: otherwise the finger is scrolling it.
      if ((el?.scrollTop ?? 0) > 0) {
        pull.value = 0
        return
      }
      pull.value = Math.max(0, Math.min(PULL_MAX, my * 0.5))
    },
    { domTarget: target, useTouch: true, axis: 'y', filterTaps: true, eventOptions: { passive: true } },
  )

  return { pull }
}
