import { ref, type Ref } from 'vue'
import type { Conversation } from '@/kernel/contract'
import { errorText } from '@/shared/i18n/errors'
import { i18n } from '@/shared/i18n'
import { listMessages } from '@/entities/message/api'
import { getHistory, type HistoryOrder } from './actionsApi'
import { cutText, TEXT_LIMITS } from '@/kernel/text'

const PAGE = 20

/** The customer's other conversations, paged by arrival time in either order. */
export function useConversationHistory(conversationId: Ref<string>, initialOrder: HistoryOrder = 'desc') {
  const order = ref<HistoryOrder>(initialOrder)
  const items = ref<Conversation[]>([])
  const loading = ref(false)
  const done = ref(false)
  const error = ref('')
  /** The last thing said (by the customer or an agent) where the last message is an event ("Chat ended by …"). */
  const said = ref<Record<string, string>>({})
  let generation = 0

  async function fillPreviews(list: Conversation[]) {
    await Promise.allSettled(
      list
        .filter((c) => c.lastMessage?.authorKind === 'system' && !(c.id in said.value))
        .map(async (c) => {
          const messages = await listMessages(c.id, { limit: 10 })
          const last = messages.filter((m) => m.authorKind !== 'system').at(-1)
          said.value[c.id] = cutText(last?.text ?? '', TEXT_LIMITS.listPreview)
        }),
    )
  }

  function preview(c: Conversation): string {
    const text = said.value[c.id]
    if (text) return text
    return c.lastMessage?.text ?? i18n.global.t('list.noMessages')
  }

  async function loadMore() {
    if (loading.value || done.value) return
    loading.value = true
    error.value = ''
    const gen = generation
    try {
      const cursor = items.value.at(-1)?.arrivedAt
      const page = await getHistory(conversationId.value, { order: order.value, cursor, limit: PAGE })
      if (gen !== generation) return
      const seen = new Set(items.value.map((c) => c.id))
      const fresh = page.filter((c) => !seen.has(c.id))
      items.value.push(...fresh)
      void fillPreviews(fresh)
      if (page.length < PAGE) done.value = true
    } catch (e) {
      if (gen === generation) error.value = errorText(e, i18n.global.t('chat.history.loadFailed'))
    } finally {
      if (gen === generation) loading.value = false
    }
  }

  function reset() {
    generation++
    items.value = []
    done.value = false
    loading.value = false
    error.value = ''
  }

  async function setOrder(next: HistoryOrder) {
    order.value = next
    reset()
    await loadMore()
  }

  return { order, items, loading, done, error, loadMore, reset, setOrder, preview }
}
