import { computed, inject, nextTick, onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { isApiError } from '@/kernel/http/errors'
import { useOutbox } from '@/features/offline/useOutbox'
import { typingSenderKey } from '@/shared/realtime/keys'
import { i18n, isolate } from '@/shared/i18n'
import { errorText } from '@/shared/i18n/errors'
import { useTypingThrottle } from '@/shared/realtime/useTypingThrottle'
import { markFirstPaint } from '@/shared/utils/firstPaint'
import { mergeThread } from '@/shared/utils/thread'
import { useConversationStore } from '@/entities/conversation/store'
import { customerLabel, isPickedBy } from '@/entities/conversation/types'
import { useMessageStore } from '@/entities/message/store'
import type { ThreadMessage } from '@/entities/message/thread'
import { useSessionStore } from '@/entities/user/store'

/** One conversation on screen: loading, its thread (with the outbox), sending, typing, read marker. */
export function useChatConversation(id: Ref<string>) {
  const conversations = useConversationStore()
  const messages = useMessageStore()
  const session = useSessionStore()
  const outbox = useOutbox()
  const sendTyping = inject(typingSenderKey, () => undefined)

  const loadError = ref('')
  const notFound = ref(false)
  const conversation = computed(() => conversations.byId[id.value] ?? null)
  const name = computed(() => (conversation.value ? customerLabel(conversation.value) : ''))
  const pickedByMe = computed(() => !!conversation.value && isPickedBy(conversation.value, session.user?.id ?? null))
  /** Stored messages and ours still in the outbox (named after me, so they group with the sent ones), with upload progress. */
  const thread = computed<ThreadMessage[]>(() =>
    mergeThread(messages.forConversation(id.value), outbox.forConversation(id.value), 'agent', { progress: outbox.progress.value }).map((m) =>
      m.seq === null ? { ...m, authorName: session.user?.displayName ?? null } : m,
    ),
  )
  const typingText = computed(() => (conversations.isTyping(id.value) && name.value ? i18n.global.t('chat.typing', { name: isolate(name.value) }) : ''))

  async function load() {
    loadError.value = ''
    notFound.value = false
    // The offline copy paints first (the conversation and its latest messages); the network follows.
    void Promise.all([conversations.hydrate(), messages.hydrate(id.value)]).then(() => nextTick()).then(markFirstPaint)
    try {
      await Promise.all([conversations.fetchOne(id.value), messages.fetch(id.value)])
    } catch (e) {
      if (isApiError(e) && e.status === 404) notFound.value = true
      else if (!conversation.value) loadError.value = errorText(e, i18n.global.t('chat.loadFailed'))
    }
  }

  // What has been seen goes to the store, the read marker's one owner (debounced; only while visible).
  let readTimer: ReturnType<typeof setTimeout> | null = null
  function scheduleRead() {
    if (readTimer) clearTimeout(readTimer)
    readTimer = setTimeout(() => {
      readTimer = null
      if (document.visibilityState === 'visible') conversations.flushRead(id.value)
    }, 300)
  }
  const onVisibility = () => {
    if (document.visibilityState === 'visible') scheduleRead()
  }
  document.addEventListener('visibilitychange', onVisibility)

  watch(
    id,
    (now) => {
      conversations.setOpen(now)
      void load()
    },
    { immediate: true },
  )
  watch(() => messages.lastSeq(id.value), scheduleRead, { immediate: true })

  onBeforeUnmount(() => {
    document.removeEventListener('visibilitychange', onVisibility)
    if (readTimer) clearTimeout(readTimer)
    if (conversations.openId === id.value) conversations.setOpen(null)
  })

  const typing = useTypingThrottle(() => sendTyping(id.value))

  /** Stores the message (text, emojis and files) in the outbox, which uploads and sends it. */
  async function send(text: string, attachments: { blob: Blob; name: string; recorded?: boolean }[] = []) {
    await outbox.enqueue({ conversationId: id.value, text, ...(attachments.length ? { attachments } : {}) })
  }

  return { conversation, name, pickedByMe, thread, typingText, loadError, notFound, load, send, typing, retry: outbox.retry, discard: outbox.discard }
}
