// Everything the customer chat page knows and does: the queue at this address, the chat token,
// the conversation and its messages, sending through the durable outbox (kernel), realtime events
// (the kernel's socket), typing. The network and IndexedDB come only through src/kernel.
import { computed, onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import { isPublicConversation, typedEvent, type Message, type PublicConversation, type ServerEvent } from '@/kernel/contract'
import { isStorageUnavailable } from '@/kernel/db/status'
import { isApiError } from '@/kernel/http/errors'
import type { OutboxItem } from '@/kernel/outbox/outbox'
import type { PublicQueue, QueueStatus } from '@/kernel/contract'
import { sendLater } from '@/kernel/outbox/lazy'
import { RealtimeSocket } from '@/kernel/realtime/socket'
import { uuid } from '@/kernel/uuid'
import { customerApi, customerMessage, deviceKey, signedIdentity, tokenStore, type StartDetails } from './customerApi'
import { fromServer, type ChatMessage } from './customerTypes'
import { localAttachment } from '@/shared/utils/thread'
import { useCustomerFileRules } from './useCustomerFileRules'
import { useCustomerOutbox } from './useCustomerOutbox'
import { useCustomerReceiptSync } from './useCustomerReceiptSync'
import { i18n } from '@/shared/i18n'

export type ChatPhase = 'loading' | 'missing' | 'unavailable' | 'form' | 'chat'

const AGENT_TYPING_MS = 4000
/** Signed file URLs are refreshed this long before they expire. */
const URL_REFRESH_MARGIN_MS = 60_000
const TYPING_EVERY_MS = 2000
/** Said under a message this device could not store (IndexedDB unavailable) and the server did not take. */
const notStored = () => i18n.global.t('customer.errors.notStored')

export function useCustomerChat(address: Ref<string>) {
  const phase = ref<ChatPhase>('loading')
  const loadError = ref('')
  const queueName = ref('')
  /** Opening hours and agents' availability (issue 15), and the place in line while queued. */
  const queueInfo = ref<PublicQueue | null>(null)
  const queueStatus = ref<QueueStatus | null>(null)
  const token = ref<string | null>(null)
  const conversation = ref<PublicConversation | null>(null)
  const messages = ref<ChatMessage[]>([])
  const agentTyping = ref(false)
  const starting = ref(false)
  const startError = ref('')
  const notice = ref('')
  const prefill = ref<StartDetails>({ name: '' })

  // Read once, before anything can change the address bar.
  const websiteIdentity = signedIdentity()

  const ended = computed(() => conversation.value?.state === 'ended')

  /** Files the server refused (413, 415): retrying can't help. */
  const refused = shallowRef<ReadonlySet<string>>(new Set())
  const outbox = useCustomerOutbox({
    onSent: (item, result) => {
      if (item.chat?.token === token.value) upsert(result as Message)
    },
    onFailed: (item, err) => {
      if (!isApiError(err) || item.chat?.token !== token.value) return
      if (err.status === 413 || err.status === 415) refused.value = new Set([...refused.value, item.clientId])
      if (err.status === 409 && err.code === 'conversation_ended' && conversation.value) {
        applyConversation({ ...conversation.value, state: 'ended' })
        void refetch()
      }
    },
    // The token was refused: check the chat (a refused token forgets it), then carry on.
    onUnauthorized: () => void refetch().finally(outbox.resume),
  })

  /** Sent straight away because IndexedDB could not store them (blocked, private mode): memory only. */
  const unstored = ref<ChatMessage[]>([])

  function fromOutbox(item: OutboxItem): ChatMessage {
    const failed = item.status === 'failed'
    const uploading = outbox.progress.value[item.clientId]
    return {
      key: item.clientId, id: null, seq: null, clientId: item.clientId, authorKind: 'customer', authorName: conversation.value?.customerName ?? null,
      text: item.text, createdAt: item.createdAt, status: failed ? 'failed' : 'sending', error: failed ? (item.error ?? null) : null,
      canRetry: failed && !ended.value && !refused.value.has(item.clientId),
      attachments: (item.attachments ?? []).map(localAttachment),
      progress: failed || !item.attachments?.length ? null : (uploading ?? 0),
    }
  }

  /** Stored messages in seq order, then the ones still on their way in the order they were written. */
  const ordered = computed(() => {
    const stored = messages.value.filter((m) => m.seq !== null).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
    const known = new Set(stored.map((m) => m.clientId))
    const t = token.value
    const pending = [
      ...outbox.items.value.filter((i) => t && i.chat?.token === t).map(fromOutbox),
      ...unstored.value,
    ].filter((m) => !known.has(m.clientId)).sort((a, b) => a.createdAt - b.createdAt)
    return [...stored, ...pending]
  })

  const fileRules = useCustomerFileRules()
  let socket: RealtimeSocket | null = null
  useCustomerReceiptSync(token, ordered)

  // ---- loading and resuming ----

  let loadRun = 0
  async function load() {
    const run = ++loadRun
    const addr = address.value
    reset()
    phase.value = 'loading'
    try {
      queueInfo.value = (await customerApi.queue(addr)).queue
      queueName.value = queueInfo.value.name
    } catch (err) {
      if (run !== loadRun) return
      if (isApiError(err) && (err.status === 404 || err.status === 400)) {
        phase.value = 'missing'
      } else {
        loadError.value = customerMessage(err)
        phase.value = 'unavailable'
      }
      return
    }
    if (run !== loadRun) return
    const saved = tokenStore.get(addr)
    if (!saved) {
      phase.value = 'form'
      return
    }
    token.value = saved
    const ok = await refetch()
    // On a network failure keep the token and show the chat: the socket retries and its
    // `ready` loads everything. A refused token already switched to the form.
    if (run === loadRun && token.value && (ok || phase.value === 'loading')) {
      phase.value = 'chat'
      connect()
      // What this browser wrote while away (a reload, offline) goes now, in order.
      outbox.flush()
    }
  }

  /** Conversation updates applied from the socket (a refetch's older answer must not undo them). */
  let liveUpdates = 0
  /** Load the conversation and every message over HTTP. False when that failed. */
  async function refetch(): Promise<boolean> {
    const t = token.value
    if (!t) return false
    const updatesBefore = liveUpdates
    try {
      const res = await customerApi.conversation(t)
      if (token.value !== t) return false
      // A live update that arrived while this answer was on its way is newer than the answer.
      if (liveUpdates === updatesBefore) applyConversation(res.conversation)
      const seen = new Set(res.messages.map((m) => m.clientId))
      messages.value = [
        ...res.messages.map((m) => fromServer(m)),
        // Messages that came live meanwhile.
        ...messages.value.filter((m) => !seen.has(m.clientId) && m.seq !== null && m.seq > (res.messages.at(-1)?.seq ?? 0)),
      ]
      res.messages.forEach(noteUrlExpiry)
      return true
    } catch (err) {
      if (token.value === t && isApiError(err) && (err.status === 401 || err.status === 404)) {
        // The chat is gone for this browser: what it still held can never be sent.
        void outbox.discardChat(t)
        forget(i18n.global.t('customer.errors.previousGone'))
      }
      return false
    }
  }

  /** The kernel's socket for this chat's token: hello with the token, replay, live events. */
  function connect() {
    const t = token.value
    if (!t || ended.value) return
    if (!socket) {
      const s: RealtimeSocket = new RealtimeSocket({
        token: () => t,
        onEvent,
        onReady: () => void refetch(),
        onTyping: ({ who }) => {
          if (who === 'agent' && !ended.value) showAgentTyping()
        },
        onSettings: (files) => fileRules.apply(files),
        onQueue: (status) => {
          queueStatus.value = status
          refreshQueueInfo()
        },
        onError: (error) => {
          // The server refused the token: the chat is gone for this browser (refetch says so).
          if (error.code !== 'unauthorized') return
          s.stop()
          if (socket === s) socket = null
          void refetch()
        },
      })
      socket = s
    }
    socket.start()
    void fileRules.refresh()
  }

  // While waiting (a queue frame comes on each change and every 30 s): the hours and agents'
  // availability again, at most once a minute; a failed read keeps what the page shows.
  let queueInfoAt = Date.now()
  function refreshQueueInfo() {
    if (Date.now() - queueInfoAt < 60_000) return
    queueInfoAt = Date.now()
    const addr = address.value
    customerApi.queue(addr).then((r) => { if (addr === address.value) queueInfo.value = r.queue }, () => undefined)
  }

  function stopSocket() {
    socket?.stop()
    socket = null
  }

  function applyConversation(c: PublicConversation) {
    const wasEnded = conversation.value?.state === 'ended'
    // Receipts only move forward: an answer read before a receipt event must not take them back.
    conversation.value = conversation.value?.id === c.id ? withReceipts(c, conversation.value) : c
    if (c.state === 'ended') {
      agentTyping.value = false
      stopSocket()
      // The socket closes here: read the thread once more so nothing sent just before the end is missed.
      if (!wasEnded) void refetch()
    }
  }

  function upsert(m: Message) {
    const i = messages.value.findIndex((x) => x.id === m.id || x.clientId === m.clientId)
    if (i >= 0) messages.value.splice(i, 1, fromServer(m))
    else messages.value.push(fromServer(m))
    noteUrlExpiry(m)
    unstored.value = unstored.value.filter((x) => x.clientId !== m.clientId)
    if (m.authorKind === 'agent') agentTyping.value = false
  }

  // ---- signed file URLs ----

  // Photos and videos load through signed URLs that expire (about an hour): read the thread
  // again shortly before the earliest one does, so a photo shown again still loads.
  let urlTimer: ReturnType<typeof setTimeout> | undefined
  let urlsExpireAt = Infinity
  function noteUrlExpiry(m: Message) {
    const earliest = Math.min(...(m.attachments ?? []).map((a) => a.urls?.expiresAt ?? Infinity))
    if (earliest >= urlsExpireAt) return
    urlsExpireAt = earliest
    clearTimeout(urlTimer)
    urlTimer = setTimeout(() => {
      urlsExpireAt = Infinity
      if (token.value) void refetch()
    }, Math.max(5_000, earliest - Date.now() - URL_REFRESH_MARGIN_MS))
  }

  // ---- realtime ----

  let typingTimer: ReturnType<typeof setTimeout> | undefined
  function showAgentTyping() {
    agentTyping.value = true
    clearTimeout(typingTimer)
    typingTimer = setTimeout(() => { agentTyping.value = false }, AGENT_TYPING_MS)
  }

  function onEvent(raw: ServerEvent) {
    const event = typedEvent(raw)
    if (conversation.value && event.conversationId !== conversation.value.id) return
    if (event.type === 'message.created') upsert(event.data.message)
    else if (event.type === 'conversation.updated' && isPublicConversation(event.data.conversation)) {
      liveUpdates++
      applyConversation(event.data.conversation)
    } else if (event.type === 'agentReceipts.updated' && conversation.value) {
      conversation.value = withReceipts(conversation.value, event.data)
    }
  }

  let lastTypingSent = 0
  /** The customer typed: tell the agent, at most every 2 seconds. */
  function notifyTyping() {
    const c = conversation.value
    if (!c || ended.value || Date.now() - lastTypingSent < TYPING_EVERY_MS) return
    if (socket?.send({ type: 'typing', conversationId: c.id })) lastTypingSent = Date.now()
  }

  // ---- starting a chat ----

  async function start(details: StartDetails) {
    if (starting.value) return
    starting.value = true
    startError.value = ''
    notice.value = ''
    const addr = address.value
    try {
      const key = deviceKey()
      const res = await customerApi.start(addr, details, { ...(key ? { deviceKey: key } : {}), ...websiteIdentity })
      if (addr !== address.value) return
      tokenStore.set(addr, res.token)
      prefill.value = details
      token.value = res.token
      messages.value = []
      applyConversation(res.conversation)
      phase.value = 'chat'
      connect() // its `ready` loads the messages
    } catch (err) {
      startError.value = customerMessage(err)
    } finally {
      starting.value = false
    }
  }

  // ---- sending ----

  /**
   * Stores the message (text and photos) in the chat's outbox, which sends it once, in order, now
   * or when the network is back (a reload in between loses nothing). Without IndexedDB it is sent
   * straight away and kept in memory only.
   */
  function send(text: string, files: File[] = []) {
    const t = token.value
    if (!t || ended.value || (!text.trim() && !files.length)) return
    const input = {
      conversationId: `chat:${address.value}`, text, chat: { address: address.value, token: t },
      ...(files.length ? { attachments: files.map((f) => ({ blob: f as Blob, name: f.name })) } : {}),
    }
    outbox.enqueue(input).catch((err: unknown) => {
      if (!isStorageUnavailable(err)) console.warn('Parley: the message could not be stored', err)
      const clientId = uuid()
      unstored.value = [...unstored.value, {
        key: clientId, id: null, seq: null, clientId, authorKind: 'customer', authorName: conversation.value?.customerName ?? null,
        text, createdAt: Date.now(), status: 'sending', error: null, canRetry: false,
        attachments: files.map((f) => localAttachment({ localId: uuid(), name: f.name, type: f.type, size: f.size, blob: f })), progress: null,
      }]
      void sendUnstored(t, clientId, text, files)
    })
  }

  /** One attempt at a message that could not be stored; a failure stays on screen with Retry. */
  async function sendUnstored(t: string, clientId: string, text: string, files: File[]) {
    const item: OutboxItem = {
      clientId, conversationId: `chat:${address.value}`, text, createdAt: Date.now(), status: 'pending', attempts: 0, chat: { address: address.value, token: t },
      ...(files.length ? { attachments: files.map((f) => ({ localId: uuid(), name: f.name, type: f.type, size: f.size, blob: f, recorded: false })) } : {}),
    }
    const patchUnstored = (change: Partial<ChatMessage>) => {
      unstored.value = unstored.value.map((m) => (m.clientId === clientId ? { ...m, ...change } : m))
    }
    try {
      const message = (await sendLater(item, { uploaded: async () => undefined, progress: (f) => patchUnstored({ progress: f }) })) as Message
      if (token.value === t) upsert(message)
    } catch (err) {
      const message = isApiError(err) && !err.isTransient ? customerMessage(err) : notStored()
      patchUnstored({ status: 'failed', error: message, canRetry: !(isApiError(err) && (err.status === 413 || err.status === 415)), progress: null })
      unstoredFiles.set(clientId, files)
    }
  }
  const unstoredFiles = new Map<string, File[]>()

  function retry(clientId: string) {
    if (!token.value || ended.value) return
    const memo = unstored.value.find((m) => m.clientId === clientId && m.status === 'failed')
    if (memo) {
      unstored.value = unstored.value.map((m) => (m.clientId === clientId ? { ...m, status: 'sending', error: null, canRetry: false } : m))
      void sendUnstored(token.value, clientId, memo.text, unstoredFiles.get(clientId) ?? [])
      return
    }
    void outbox.retry(clientId).catch(() => undefined)
  }

  // ---- leaving a chat ----

  function reset() {
    stopSocket()
    clearTimeout(urlTimer)
    urlsExpireAt = Infinity
    token.value = null
    conversation.value = null
    queueStatus.value = null
    messages.value = []
    agentTyping.value = false
    startError.value = ''
    notice.value = ''
    loadError.value = ''
  }

  function forget(message = '') {
    const name = conversation.value?.customerName
    unstored.value = []
    tokenStore.clear(address.value)
    reset()
    if (name && !prefill.value.name) prefill.value = { name }
    notice.value = message
    phase.value = 'form'
  }

  /** After an ended chat: drop its token and show the form again. */
  function newChat() {
    // The ended chat's unsent messages can never go (the server refuses them): drop them.
    if (token.value) void outbox.discardChat(token.value)
    const name = conversation.value?.customerName
    if (name) prefill.value = { ...prefill.value, name }
    forget()
  }

  // Back online on the "Can't reach the server" screen: try again by itself.
  const onOnline = () => {
    if (phase.value === 'unavailable') void load()
  }
  window.addEventListener('online', onOnline)
  onBeforeUnmount(() => {
    window.removeEventListener('online', onOnline)
    clearTimeout(typingTimer)
    clearTimeout(urlTimer)
    stopSocket()
    loadRun++
    token.value = null
  })
  watch(address, () => void load(), { immediate: true })

  return {
    phase, loadError, queueName, queueInfo, queueStatus, token, conversation, messages: ordered, ended, agentTyping, starting, startError, notice, prefill,
    fileRules: fileRules.rules, refreshFileRules: fileRules.refresh,
    load, start, send, retry, newChat, notifyTyping,
  }
}

/** `c` with its agent receipts moved forward to `r`'s where those are further (they never go back). */
function withReceipts(c: PublicConversation, r: { agentDeliveredSeq: number; agentReadSeq: number }): PublicConversation {
  const agentDeliveredSeq = Math.max(c.agentDeliveredSeq, r.agentDeliveredSeq)
  const agentReadSeq = Math.max(c.agentReadSeq, r.agentReadSeq)
  return agentDeliveredSeq === c.agentDeliveredSeq && agentReadSeq === c.agentReadSeq ? c : { ...c, agentDeliveredSeq, agentReadSeq }
}
