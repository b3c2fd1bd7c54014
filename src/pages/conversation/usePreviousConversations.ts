import { computed, ref, watch, type Ref } from 'vue'
import type { Conversation, Message } from '@/kernel/contract'
import { errorText } from '@/shared/i18n/errors'
import { i18n } from '@/shared/i18n'
import { listMessages } from '@/entities/message/api'
import { getHistory } from '@/features/conversation-actions/actionsApi'

export interface PreviousConversation {
  conversation: Conversation
  messages: Message[]
}

const PER_LOAD = 3

/**
 * The customer's conversations before this one, loaded a few at a time (newest first from the
 * server) and kept oldest first for the thread, each with its messages.
 */
export function usePreviousConversations(conversation: Ref<Conversation | null>) {
  const sections = ref<PreviousConversation[]>([])
  const loading = ref(false)
  const done = ref(false)
  const error = ref('')
  let generation = 0

  const oldest = computed(() => sections.value[0]?.conversation ?? null)

  watch(
    () => conversation.value?.id,
    () => {
      generation++
      sections.value = []
      loading.value = false
      done.value = false
      error.value = ''
    },
  )

  /** Loads the next few; resolves with how many came (0 when there are no more). */
  async function loadMore(): Promise<number> {
    const current = conversation.value
    if (!current || loading.value || done.value) return 0
    const gen = generation
    loading.value = true
    error.value = ''
    try {
      const cursor = oldest.value?.arrivedAt ?? current.arrivedAt
      const page = (await getHistory(current.id, { order: 'desc', cursor, limit: PER_LOAD })).filter(
        (c) => c.id !== current.id && !sections.value.some((s) => s.conversation.id === c.id),
      )
      const loaded = await Promise.all(page.map(async (c) => ({ conversation: c, messages: await listMessages(c.id, { limit: 200 }) })))
      if (gen !== generation) return 0
      if (page.length < PER_LOAD) done.value = true
      sections.value = [...loaded.reverse(), ...sections.value]
      return loaded.length
    } catch (e) {
      if (gen === generation) error.value = errorText(e, i18n.global.t('chat.previous.loadFailed'))
      return 0
    } finally {
      if (gen === generation) loading.value = false
    }
  }

  return { sections, loading, done, error, loadMore }
}
