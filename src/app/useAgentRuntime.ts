import { effectScope, onBeforeUnmount, onMounted, provide, watch } from 'vue'
import { useRouter } from 'vue-router'
import { typedEvent, type Conversation, type Message, type Note } from '@/kernel/contract'
import { setUnauthorizedHandler } from '@/kernel/http/client'
import { deleteSetting, getSetting, setSetting } from '@/kernel/db'
import { disposeOutbox, initOutbox, startOutbox, useOutbox } from '@/features/offline/useOutbox'
import { RealtimeSocket } from '@/kernel/realtime/socket'
import { isReplayAck } from '@/kernel/outbox/outbox'
import { typingSenderKey } from '@/shared/realtime/keys'
import { useFileRulesStore } from '@/entities/attachment/store'
import { useConversationStore } from '@/entities/conversation/store'
import { useLocalData } from '@/entities/conversation/useLocalData'
import { useMessageStore } from '@/entities/message/store'
import { useNoteStore } from '@/entities/note/store'
import { useSessionStore } from '@/entities/user/store'
import { runSignOutResets } from '@/entities/user/resets'
import { afterFirstPaint, afterNextFrame } from '@/shared/utils/firstPaint'
import { useWorkSettingsStore } from '@/entities/work-settings/store'
import { emitFrame } from '@/shared/realtime/frames'

const CURSOR_KEY = 'realtime.cursor'

/** Push (its module loads after the first paint): the `viewing` report, notification clicks. */
type PushParts = { viewing: { report: () => Promise<void> }; forgetThisDevice: () => Promise<string | null> }

/**
 * The signed-in agent's background work: the outbox, the realtime socket and what its events
 * do to the stores. Lives as long as the agent layout.
 *
 * Start-up order: the offline copy is claimed for this agent and the outbox read at once (the
 * first screen paints from IndexedDB, see `paintsFromCache` in router.ts); the socket, the outbox
 * drain, push and the file rules start only after that paint (`afterFirstPaint`), so none of
 * their work competes with it.
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
  const work = useWorkSettingsStore()
  // Not pushed by the server: read at start and after each ready (defaults meanwhile).
  const loadWork = () => void work.load().catch(() => undefined)
  const outbox = useOutbox()

  let started = false
  let active = true
  let signingOut = false
  /** Push and notification clicks, set up after the first paint (effects stopped with the layout). */
  const pushScope = effectScope()
  let push: Promise<PushParts> | null = null

  let leaving = false

  function toSignIn() {
    if (leaving) return
    leaving = true
    session.expire()
    socket.stop()
    const current = router.currentRoute.value
    if (current.name !== 'login') void router.push({ path: '/login', query: { redirect: current.fullPath } })
  }

  /** Each entity store applies the events about it. */
  const appliers = [conversations.applyEvent, messages.applyEvent, notes.applyEvent]

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
    onEvent: (event) => {
      const typed = typedEvent(event)
      for (const apply of appliers) apply(typed)
    },
    onReady: ({ reconnected, reset }) => {
      // After the replay: reload the lists and the open conversation (everything if local data was lost).
      local.resync({ reconnected, reset })
      void outbox.flush()
      void push?.then((p) => p.viewing.report())
      if (reconnected) loadWork()
      emitFrame('ready', undefined)
    },
    onTyping: ({ conversationId, who }) => {
      if (who === 'customer') conversations.setTyping(conversationId)
    },
    onSettings: (files) => fileRules.apply(files),
    onUser: (user) => {
      if (user.id === session.user?.id) session.applyUser(user)
      emitFrame('user', user)
    },
    onSupervisor: (conversation) => emitFrame('supervisor', conversation),
    onStatus: (status) => local.onSocketStatus(status),
    onError: (error) => {
      // Signed out elsewhere, or an admin deactivated this agent: back to sign-in at once.
      if (error.code === 'unauthorized' || error.code === 'deactivated') toSignIn()
    },
  })

  // Push: no push for the conversation on screen here; a notification click routes this window.
  function startPush(): Promise<PushParts> {
    push ??= import('@/features/push').then((m) => {
      const viewing = pushScope.run(() => {
        m.useOpenFromNotification(router)
        return m.useViewingReporter({
          send: (frame) => socket.send(frame),
          conversationId: () => (router.currentRoute.value.name === 'conversation' ? String(router.currentRoute.value.params.id) : null),
        })
      })!
      return { viewing, forgetThisDevice: () => m.usePushNotifications().forgetThisDevice() }
    })
    return push
  }

  // Messages (with their uploads) and queued actions; sending lives in kernel/outbox/send.ts. Made
  // (and its items read, for the thread) now; it starts sending after the first paint.
  initOutbox({
    onSent: (item, result) => {
      // Done, in a chat this agent can't see any more: it leaves this device's lists too.
      if (isReplayAck(result)) return conversations.remove(result.conversationId)
      const kind = item.kind ?? 'message'
      if (kind === 'message') messages.upsert(result as Message)
      else if (kind === 'note') notes.apply(result as Note)
      else conversations.upsertFromEvent(result as Conversation)
    },
    onUnauthorized: toSignIn,
  })

  provide(typingSenderKey, (conversationId: string) => {
    socket.sendTyping(conversationId)
  })

  /** The network side of the runtime, once the first screen has painted. */
  function startNetwork() {
    if (started || !active) return
    started = true
    local.start()
    socket.start()
    loadFileRules()
    startOutbox()
    loadWork()
    void outbox.resume()
    void startPush()
  }

  // The server said this session is over (the start's own check answered 401 after the remembered
  // user was shown): sign in again. Another agent's session here: start again as that agent.
  watch(
    () => session.user?.id ?? null,
    (now, before) => {
      if (signingOut || !active) return
      if (now === null) toSignIn()
      else if (before && now !== before) location.reload()
    },
  )

  onMounted(() => {
    setUnauthorizedHandler(() => toSignIn())
    const wait = router.currentRoute.value.meta.paintsFromCache ? afterFirstPaint() : afterNextFrame()
    void wait.then(startNetwork)
  })

  onBeforeUnmount(() => {
    active = false
    setUnauthorizedHandler(null)
    local.stop()
    socket.stop()
    pushScope.stop()
  })

  /**
   * Sign out: recorded for the server first (the session ends there and this device's push
   * registration goes, now or as soon as it is online: kernel/account/signOut.ts), then this
   * agent's state on this device is forgotten (unsent messages stay in the outbox and go first).
   */
  async function signOut() {
    local.stop()
    socket.stop()
    signingOut = true
    try {
      // A shared phone: the next agent must not get this agent's pushes (unsubscribed here at once).
      // (Its module may fail to load, say after an update without the old files: sign out anyway.)
      const deviceId = await startPush().then((p) => p.forgetThisDevice(), () => null)
      await session.signOut(deviceId)
    } catch (e) {
      // Neither storage nor network: nothing happened, and the agent is told so (SettingsPage).
      signingOut = false
      local.start()
      socket.start()
      throw e
    }
    socket.resetCursor()
    await deleteSetting(CURSOR_KEY).catch(() => undefined)
    // A shared phone: the next agent must not read this agent's chats offline.
    await local.wipe()
    disposeOutbox()
    runSignOutResets()
    conversations.reset()
    messages.reset()
    notes.reset()
    await router.push('/login')
  }

  return { signOut, socket }
}
