import { onBeforeUnmount, onMounted, provide } from 'vue'
import { useRouter } from 'vue-router'
import type { Conversation, Message, Note, ServerEvent } from '@/kernel/contract'
import { setUnauthorizedHandler } from '@/kernel/http/client'
import { deleteSetting, getSetting, setSetting } from '@/kernel/db'
import { disposeOutbox, initOutbox, useOutbox } from '@/features/offline/useOutbox'
import { RealtimeSocket } from '@/kernel/realtime/socket'
import { typingSenderKey } from '@/shared/realtime/keys'
import { useFileRulesStore } from '@/entities/attachment/store'
import { clearAllComposerAttachments } from '@/features/composer-attachments/useComposerAttachments'
import { useConversationStore } from '@/entities/conversation/store'
import { isAgentConversation, viewOf } from '@/entities/conversation/types'
import { useLocalData } from '@/entities/conversation/useLocalData'
import { useMessageStore } from '@/entities/message/store'
import { useNoteStore } from '@/entities/note/store'
import { useOpenFromNotification, usePushNotifications, useViewingReporter } from '@/features/push'
import { useSessionStore } from '@/entities/user/store'

const CURSOR_KEY = 'realtime.cursor'

/**
 * The signed-in agent's background work: the outbox, the realtime socket and what its events
 * do to the stores. Lives as long as the agent layout.
 */
export function useAgentRuntime() {
  const router = useRouter()
  const session = useSessionStore()
  const conversations = useConversationStore()
  const messages = useMessageStore()
  const notes = useNoteStore()
  const fileRules = useFileRulesStore()
  // The admin's file rules, checked before anything is uploaded (offline: the server checks again).
  const loadFileRules = () => void fileRules.load().catch(() => undefined)
  const outbox = useOutbox()

  function toSignIn() {
    session.expire()
    socket.stop()
    const current = router.currentRoute.value
    if (current.name !== 'login') void router.push({ path: '/login', query: { redirect: current.fullPath } })
  }

  function applyMessage(m: Message) {
    if (messages.upsert(m)) conversations.noteMessage(m)
  }

  function applyEvent(event: ServerEvent) {
    const data = event.data
    switch (event.type) {
      case 'conversation.created':
      case 'conversation.updated':
        if ('conversation' in data && isAgentConversation(data.conversation)) {
          const c = data.conversation
          const unknown = conversations.upsertFromEvent(c)
          // Picked or offered elsewhere (another device, a transfer): only the server knows its unread count.
          if (unknown && c.state !== 'queued' && viewOf(c, session.user?.id ?? null) !== null) {
            void conversations.fetchOne(c.id).catch(() => undefined)
          }
        }
        break
      case 'message.created':
        if ('message' in data) applyMessage(data.message)
        break
      case 'note.created':
        if ('note' in data) notes.apply(data.note)
        break
      case 'read.updated':
        if ('userId' in data && data.userId === session.user?.id) {
          // Read on another device: clear what is known to be read, else ask the server for the count.
          if (conversations.applyRead(event.conversationId, data.lastReadSeq, messages.lastSeq(event.conversationId))) {
            void conversations.fetchOne(event.conversationId).catch(() => undefined)
          }
        }
        break
      case 'receipts.updated':
        if ('deliveredSeq' in data) {
          const c = conversations.byId[event.conversationId]
          if (c) conversations.byId[event.conversationId] = { ...c, customerDeliveredSeq: data.deliveredSeq, customerReadSeq: data.readSeq } satisfies Conversation
        }
        break
      default:
        break
    }
  }

  // The offline copy: claimed for this agent, checked for wiped data before the socket's hello.
  const local = useLocalData({
    loadCursor: () => getSetting<number>(CURSOR_KEY),
    forgetCursor: () => deleteSetting(CURSOR_KEY),
  })

  const socket = new RealtimeSocket({
    cursorStore: {
      load: () => local.ready.then(() => getSetting<number>(CURSOR_KEY)),
      save: (cursor) => setSetting(CURSOR_KEY, cursor),
    },
    onEvent: applyEvent,
    onReady: ({ reconnected, reset }) => {
      // A rules change before this socket was ready sent it no frame: read them again.
      loadFileRules()
      // After the replay: reload the lists and the open conversation (everything if local data was lost).
      local.resync({ reconnected, reset })
      void outbox.flush()
      void viewing.report()
    },
    onTyping: ({ conversationId, who }) => {
      if (who === 'customer') conversations.setTyping(conversationId)
    },
    onSettings: (files) => fileRules.apply(files),
    onStatus: (status) => local.onSocketStatus(status),
    onError: (error) => {
      // Signed out elsewhere, or an admin deactivated this agent: back to sign-in at once.
      if (error.code === 'unauthorized' || error.code === 'deactivated') toSignIn()
    },
  })

  // Push: no push for the conversation on screen here; a notification click routes this window.
  const viewing = useViewingReporter({
    send: (frame) => socket.send(frame),
    conversationId: () => (router.currentRoute.value.name === 'conversation' ? String(router.currentRoute.value.params.id) : null),
  })
  useOpenFromNotification(router)

  // Messages (with their uploads) and queued actions; sending lives in kernel/outbox/send.ts.
  initOutbox({
    onSent: (item, result) => {
      const kind = item.kind ?? 'message'
      if (kind === 'message') applyMessage(result as Message)
      else if (kind === 'note') notes.apply(result as Note)
      else conversations.upsertFromEvent(result as Conversation)
    },
    onUnauthorized: toSignIn,
  })

  provide(typingSenderKey, (conversationId: string) => {
    socket.sendTyping(conversationId)
  })

  onMounted(() => {
    setUnauthorizedHandler(() => toSignIn())
    local.start()
    socket.start()
    loadFileRules()
    void outbox.resume()
  })

  onBeforeUnmount(() => {
    setUnauthorizedHandler(null)
    local.stop()
    socket.stop()
  })

  /** Sign out: forget this agent's state on this device (unsent messages stay in the outbox). */
  async function signOut() {
    local.stop()
    socket.stop()
    try {
      // A shared phone: the next agent must not get this agent's pushes.
      await usePushNotifications().disable()
      await session.signOut()
    } catch {
      // offline: the local session is cleared anyway
    }
    socket.resetCursor()
    await deleteSetting(CURSOR_KEY).catch(() => undefined)
    // A shared phone: the next agent must not read this agent's chats offline.
    await local.wipe()
    disposeOutbox()
    clearAllComposerAttachments()
    conversations.reset()
    messages.reset()
    notes.reset()
    await router.push('/login')
  }

  return { signOut, socket }
}
