import { nextTick, ref, watch, type Ref } from 'vue'
import { useMessageStore } from '@/entities/message/store'
import type { ThreadItem } from './thread/threadItems'

/**
 * Opening a conversation at a message (a search result, `?seq=`): loads older pages until it is
 * held, scrolls it to the middle and marks it (`highlightKey`) until another one is asked for.
 */
export function useFocusMessage(
  conversationId: Ref<string>,
  seq: Ref<number | null>,
  items: Ref<ThreadItem[]>,
  scrollToKey: (key: string) => boolean,
) {
  const store = useMessageStore()
  const highlightKey = ref<string | null>(null)
  let done = ''

  const keyOf = (s: number) => items.value.find((i) => i.kind === 'row' && !i.previous && i.row.kind !== 'date' && i.row.message.seq === s)?.key ?? null

  async function focus() {
    const s = seq.value
    const id = conversationId.value
    const want = s === null ? '' : `${id}:${s}`
    if (!want || done === want || !store.loaded[id]) return
    done = want
    if (!keyOf(s!)) await store.fetchUntil(id, s!).catch(() => false)
    await nextTick()
    const key = keyOf(s!)
    highlightKey.value = key
    if (!key) return
    scrollToKey(key)
    // Rows are measured as they mount: once more when they have settled.
    setTimeout(() => scrollToKey(key), 150)
  }

  watch([seq, conversationId, () => store.loaded[conversationId.value]], () => void focus(), { immediate: true })
  return { highlightKey }
}
