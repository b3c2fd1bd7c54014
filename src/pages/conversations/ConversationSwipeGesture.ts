import { defineComponent, toRef, type PropType } from 'vue'
import { useDrag, type FullGestureState } from '@vueuse/gesture'

/** What a row's drag handler reads of the gesture (px movement since the drag began, and its end). */
export type SwipeDragState = Pick<FullGestureState<'drag'>, 'movement' | 'last' | 'tap' | 'canceled'>

/**
 * Binds a row's swipe (`handler`: useSwipeRow's `onDrag`) to its moving element (`target`) with
 * @vueuse/gesture, and renders nothing. Loaded as its own chunk after the list has painted, so the
 * gesture library is not in the agent's first load; @vueuse/gesture binds when this component
 * mounts (the row's element exists by then) and unbinds when it unmounts. Horizontal drags only, so
 * vertical scrolling keeps working; touch events on touch devices, pointer events elsewhere.
 */
export default defineComponent({
  name: 'ConversationSwipeGesture',
  props: {
    target: { type: Object as PropType<HTMLElement | null>, default: null },
    handler: { type: Function as PropType<(state: SwipeDragState) => void>, required: true },
  },
  setup(props) {
    useDrag((state) => props.handler(state), { domTarget: toRef(props, 'target'), useTouch: true, axis: 'x', filterTaps: true })
    return () => null
  },
})
