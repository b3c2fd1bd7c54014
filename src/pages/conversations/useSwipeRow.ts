import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue'
import type { SwipeDragState } from './ConversationSwipeGesture'
import { i18n, localeDirection } from '@/shared/i18n'

/** Released past this share of the row's width, a swipe toward the start leaves the row half-open. */
export const HALF_SWIPE = 0.25
/** Released past this share, it is a full swipe (its action runs at once). */
export const FULL_SWIPE = 0.7

/**
 * What a release at `offset` on a row `width` wide means. `offset` is inline: px the row moved
 * toward the text's end, negative = toward its start (left in English, right in Arabic); see
 * inlineMovement.
 */
export function swipeOutcome(offset: number, width: number): 'full' | 'half' | 'none' {
  if (width <= 0) return 'none'
  const share = -offset / width
  if (share >= FULL_SWIPE) return 'full'
  if (share >= HALF_SWIPE) return 'half'
  return 'none'
}

/**
 * A finger's horizontal movement (px, positive = to the right on screen) as inline movement
 * (positive = toward the end of the line): the same left to right, mirrored right to left, so the
 * swipe that reveals a row's actions is always the one toward the start, where they are not.
 */
export function inlineMovement(dx: number, dir: 'ltr' | 'rtl'): number {
  return dir === 'rtl' ? -dx : dx
}

/** The one half-open row of the app (by conversation id): opening another closes it. */
const openRowId = ref<string | null>(null)

export function closeOpenRow() {
  openRowId.value = null
}

// While a row is half-open, a tap anywhere else or Escape closes it.
function onPointerDownAnywhere(e: Event) {
  const id = openRowId.value
  if (!id) return
  const row = e.target instanceof Element ? e.target.closest('[data-swipe-row]') : null
  if (row?.getAttribute('data-swipe-row') !== id) closeOpenRow()
}
function onKeyAnywhere(e: KeyboardEvent) {
  if (e.key === 'Escape' && openRowId.value) closeOpenRow()
}
watch(openRowId, (id, before) => {
  if (typeof document === 'undefined') return
  if (id && !before) {
    document.addEventListener('pointerdown', onPointerDownAnywhere, true)
    document.addEventListener('touchstart', onPointerDownAnywhere, { capture: true, passive: true })
    document.addEventListener('keydown', onKeyAnywhere)
  } else if (!id && before) {
    document.removeEventListener('pointerdown', onPointerDownAnywhere, true)
    document.removeEventListener('touchstart', onPointerDownAnywhere, true)
    document.removeEventListener('keydown', onKeyAnywhere)
  }
})

export interface SwipeRowOptions {
  /** The conversation id of the row. */
  id: () => string
  /** The element that moves with the finger (it gets the drag listeners). */
  target: Ref<HTMLElement | null>
  /** How far a half-open row stays open (the width of its revealed buttons). */
  openWidth: () => number
  onFullSwipe: () => void
}

/**
 * Swipes toward the start of the line on a list row with @vueuse/gesture (to the left in English,
 * to the right in Arabic; the actions sit at the line's end): the row follows the finger
 * (horizontal drags only, so vertical scrolling keeps working); released past HALF_SWIPE it stays half-open, past
 * FULL_SWIPE it snaps back and `onFullSwipe` runs. Touch events on touch devices, pointer events
 * (mouse, pen) elsewhere.
 */
export function useSwipeRow(opts: SwipeRowOptions) {
  const dragging = ref(false)
  const dragOffset = ref(0)
  const isOpen = computed(() => openRowId.value === opts.id())
  /** The interface's direction: the document's, which follows the language (setLocale). */
  const dir = computed(() => localeDirection(i18n.global.locale.value))
  /** The row's inline offset in px (0 closed, negative moved toward the start). */
  const offset = computed(() => (dragging.value ? dragOffset.value : isOpen.value ? -opts.openWidth() : 0))
  /** The same on screen, for `translateX` (px, negative = to the left). */
  const screenOffset = computed(() => inlineMovement(offset.value, dir.value))
  /** After a drag the browser may still send a click: it must not open the conversation. */
  let swallowClickUntil = 0

  /**
   * The drag handler, bound by ConversationSwipeGesture.vue (its own lazy chunk, so the gesture
   * library is not part of the first paint; a row is swipeable once it has loaded).
   */
  function onDrag({ movement: [mx], last, tap, canceled }: SwipeDragState) {
    if (tap) return
    const width = opts.target.value?.offsetWidth ?? 0
    const base = isOpen.value ? -opts.openWidth() : 0
    const x = Math.max(-width, Math.min(0, base + inlineMovement(mx, dir.value)))
    if (!last && !canceled) {
      if (!dragging.value && openRowId.value && !isOpen.value) closeOpenRow()
      dragging.value = true
      dragOffset.value = x
      return
    }
    dragging.value = false
    swallowClickUntil = Date.now() + 400
    const outcome = canceled ? 'none' : swipeOutcome(x, width)
    if (outcome === 'half') {
      openRowId.value = opts.id()
      return
    }
    if (isOpen.value) closeOpenRow()
    if (outcome === 'full') opts.onFullSwipe()
  }

  /** Click capture on the moving part: swallow the click after a drag, and a tap on an open row closes it. */
  function onClickCapture(e: MouseEvent) {
    // Enter / Space on a focused button (detail 0) is never part of a gesture.
    if (e.detail === 0) return
    if (Date.now() < swallowClickUntil) {
      e.preventDefault()
      e.stopPropagation()
      return
    }
    if (isOpen.value) {
      e.preventDefault()
      e.stopPropagation()
      closeOpenRow()
    }
  }

  function close() {
    if (isOpen.value) closeOpenRow()
  }

  onBeforeUnmount(() => {
    dragging.value = false
  })

  return { offset, screenOffset, dragging, isOpen, onDrag, onClickCapture, close }
}
