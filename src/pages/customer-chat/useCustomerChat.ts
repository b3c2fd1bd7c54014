// Everything the customer chat page knows and does: the queue at this address, the chat token,
// the conversation and its messages, sending with retries, realtime events, typing.
import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue'
import type { Message, PublicConversation, ServerFrame } from '../../../server/src/api-types'
import { customerHttp, describeError, deviceKey, isRetryable, signedIdentity, tokenStore, type StartDetails } from './customerHttp'
import { fromServer, type ChatMessage } from './customerTypes'
import { localAttachment } from '@/shared/utils/thread'
import { useCustomerFileRules } from './useCustomerFileRules'
import { useCustomerReceiptSync } from './useCustomerReceiptSync'
import { useCustomerSocket } from './useCustomerSocket'

export type ChatPhase = 'loading' | 'missing' | 'unavailable' | 'form' | 'chat'

interface PendingUpload {
  localId: string
  file: File
  uploadedId: string | null
}

const AGENT_TYPING_MS = 4000
const TYPING_EVERY_MS = 2000
const MAX_RETRY_DELAY_MS = 30_000
/** Signed file URLs are refreshed this long before they expire. */
const URL_REFRESH_MARGIN_MS = 60_000

export function useCustomerChat(address: Ref<string>) {
  const phase = ref<ChatPhase>('loading')
  const loadError = ref('')
  const queueName = ref('')
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
  /** Stored messages in seq order, then the ones still on their way in the order they were written. */
  const ordered = computed(() => {
    const stored = messages.value.filter((m) => m.seq !== null).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
    return [...stored, ...messages.value.filter((m) => m.seq === null)]
  })

  const fileRules = useCustomerFileRules()
  const socket = useCustomerSocket({ onFrame, onUnauthorized: () => void refetch() })
  useCustomerReceiptSync(token, messages)

  // ---- loading and resuming ----

  let loadRun = 0
  async function load() {
    const run = ++loadRun
    const addr = address.value
    reset()
    phase.value = 'loading'
    try {
      queueName.value = (await customerHttp.queue(addr)).queue.name
    } catch (err) {
      if (run !== loadRun) return
      const f = await describeError(err)
      if (f.status === 404 || f.status === 400) {
        phase.value = 'missing'
      } else {
        loadError.value = f.message
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
      const res = await customerHttp.conversation(t)
      if (token.value !== t) return false
      // A live update that arrived while this answer was on its way is newer than the answer.
      if (liveUpdates === updatesBefore) applyConversation(res.conversation)
      const seen = new Set(res.messages.map((m) => m.clientId))
      messages.value = [
        ...res.messages.map((m) => fromServer(m)),
        // Messages that came live meanwhile, and ours still on their way.
        ...messages.value.filter((m) => !seen.has(m.clientId) && (m.seq === null || m.seq > (res.messages.at(-1)?.seq ?? 0))),
      ]
      res.messages.forEach(noteUrlExpiry)
      return true
    } catch (err) {
      const f = await describeError(err)
      if (token.value === t && (f.status === 401 || f.status === 404)) forget('Your previous chat is no longer available. You can start a new one.')
      return false
    }
  }

  function connect() {
    if (token.value && !ended.value) {
      socket.start(token.value)
      void fileRules.refresh()
    }
  }

  function applyConversation(c: PublicConversation) {
    const wasEnded = conversation.value?.state === 'ended'
    conversation.value = c
    if (c.state === 'ended') {
      agentTyping.value = false
      socket.stop()
      // The socket closes here: read the thread once more so nothing sent just before the end is missed.
      if (!wasEnded) void refetch()
    }
  }

  function upsert(m: Message) {
    const i = messages.value.findIndex((x) => x.id === m.id || x.clientId === m.clientId)
    if (i >= 0) messages.value.splice(i, 1, fromServer(m))
    else messages.value.push(fromServer(m))
    noteUrlExpiry(m)
    uploads.delete(m.clientId)
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
  function onFrame(frame: ServerFrame) {
    if (frame.type === 'ready') {
      void refetch()
    } else if (frame.type === 'event') {
      const { event } = frame
      if (conversation.value && event.conversationId !== conversation.value.id) return
      const data = event.data
      if (event.type === 'message.created' && 'message' in data) upsert(data.message)
      else if (event.type === 'conversation.updated' && 'conversation' in data && 'queueName' in data.conversation) {
        liveUpdates++
        applyConversation(data.conversation)
      }
    } else if (frame.type === 'settings') {
      fileRules.apply(frame.files)
    } else if (frame.type === 'typing' && frame.who === 'agent' && !ended.value) {
      agentTyping.value = true
      clearTimeout(typingTimer)
      typingTimer = setTimeout(() => { agentTyping.value = false }, AGENT_TYPING_MS)
    }
  }

  let lastTypingSent = 0
  /** The customer typed: tell the agent, at most every 2 seconds. */
  function notifyTyping() {
    const c = conversation.value
    if (!c || ended.value || Date.now() - lastTypingSent < TYPING_EVERY_MS) return
    if (socket.send({ type: 'typing', conversationId: c.id })) lastTypingSent = Date.now()
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
      const res = await customerHttp.start(addr, details, { ...(key ? { deviceKey: key } : {}), ...websiteIdentity })
      if (addr !== address.value) return
      tokenStore.set(addr, res.token)
      prefill.value = details
      token.value = res.token
      messages.value = []
      applyConversation(res.conversation)
      phase.value = 'chat'
      connect() // its `ready` loads the messages
    } catch (err) {
      startError.value = (await describeError(err)).message
    } finally {
      starting.value = false
    }
  }

  // ---- sending ----

  let wakers: (() => void)[] = []
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer)
      wakers = wakers.filter((w) => w !== done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    wakers.push(done)
  })
  const wakeRetries = () => [...wakers].forEach((w) => w())

  /** Files of messages on their way, kept (with their server ids once uploaded) so a retry never needs them chosen again. */
  const uploads = new Map<string, PendingUpload[]>()

  function send(text: string, files: File[] = []) {
    const t = token.value
    if (!t || ended.value || (!text.trim() && !files.length)) return
    const clientId = crypto.randomUUID()
    const pending = files.map((file) => ({ localId: crypto.randomUUID(), file, uploadedId: null }))
    if (pending.length) uploads.set(clientId, pending)
    messages.value.push({
      key: clientId, id: null, seq: null, clientId, authorKind: 'customer', authorName: conversation.value?.customerName ?? null,
      text, createdAt: Date.now(), status: 'sending', error: null, canRetry: false,
      attachments: pending.map((u) => localAttachment({ localId: u.localId, name: u.file.name, type: u.file.type, size: u.file.size, blob: u.file })),
      progress: pending.length ? 0 : null,
    })
    void deliver(t, clientId, text)
  }

  /** Upload what isn't on the server yet; the ids of all the message's files. */
  async function uploadFiles(t: string, clientId: string): Promise<string[]> {
    const list = uploads.get(clientId) ?? []
    const total = list.reduce((n, u) => n + u.file.size, 0) || 1
    const done = () => list.reduce((n, u) => n + (u.uploadedId ? u.file.size : 0), 0)
    for (const u of list) {
      if (u.uploadedId) continue
      const base = done()
      const attachment = await customerHttp.upload(t, u.file, u.file.name, (sent) => {
        patch(clientId, { progress: Math.min(1, (base + Math.min(sent, u.file.size)) / total) })
      })
      u.uploadedId = attachment.id
    }
    if (list.length) patch(clientId, { progress: 1 })
    return list.map((u) => u.uploadedId!)
  }

  function retry(clientId: string) {
    const m = messages.value.find((x) => x.clientId === clientId)
    if (!m || m.status !== 'failed' || !token.value || ended.value) return
    patch(clientId, { status: 'sending', error: null, canRetry: false })
    void deliver(token.value, clientId, m.text)
  }

  function patch(clientId: string, change: Partial<ChatMessage>) {
    const i = messages.value.findIndex((x) => x.clientId === clientId)
    const m = messages.value[i]
    if (m && m.status !== 'sent') messages.value.splice(i, 1, { ...m, ...change })
  }

  const stillSending = (t: string, clientId: string) =>
    token.value === t && messages.value.some((x) => x.clientId === clientId && x.status === 'sending')

  async function deliver(t: string, clientId: string, text: string) {
    for (let attempt = 0; stillSending(t, clientId); attempt++) {
      try {
        const attachmentIds = await uploadFiles(t, clientId)
        const res = await customerHttp.send(t, { clientId, text, ...(attachmentIds.length ? { attachmentIds } : {}) })
        if (token.value === t) upsert(res.message)
        return
      } catch (err) {
        const f = await describeError(err)
        if (!stillSending(t, clientId)) return
        if (f.status === 409 && f.code === 'conversation_ended') {
          patch(clientId, { status: 'failed', error: f.message, canRetry: false })
          if (conversation.value) applyConversation({ ...conversation.value, state: 'ended' })
          void refetch()
          return
        }
        if (f.status === 401) {
          patch(clientId, { status: 'failed', error: f.message, canRetry: false })
          void refetch()
          return
        }
        if (!isRetryable(f)) {
          // A file the server refuses (too big, a type not allowed) won't go with a retry.
          const refusedFile = f.status === 413 || f.status === 415
          patch(clientId, { status: 'failed', error: f.message, canRetry: !refusedFile, progress: null })
          return
        }
        // Network trouble or a server error: the same clientId makes a repeat safe.
        await sleep(Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** attempt))
      }
    }
  }

  // ---- leaving a chat ----

  function reset() {
    socket.stop()
    clearTimeout(urlTimer)
    urlsExpireAt = Infinity
    uploads.clear()
    token.value = null
    conversation.value = null
    messages.value = []
    agentTyping.value = false
    startError.value = ''
    notice.value = ''
    loadError.value = ''
  }

  function forget(message = '') {
    const name = conversation.value?.customerName
    tokenStore.clear(address.value)
    reset()
    if (name && !prefill.value.name) prefill.value = { name }
    notice.value = message
    phase.value = 'form'
  }

  /** After an ended chat: drop its token and show the form again. */
  function newChat() {
    const name = conversation.value?.customerName
    if (name) prefill.value = { ...prefill.value, name }
    forget()
  }

  window.addEventListener('online', wakeRetries)
  onBeforeUnmount(() => {
    window.removeEventListener('online', wakeRetries)
    clearTimeout(typingTimer)
    clearTimeout(urlTimer)
    loadRun++
    token.value = null
    wakeRetries()
  })
  watch(address, () => void load(), { immediate: true })

  return {
    phase, loadError, queueName, conversation, messages: ordered, ended, agentTyping, starting, startError, notice, prefill,
    fileRules: fileRules.rules, refreshFileRules: fileRules.refresh,
    load, start, send, retry, newChat, notifyTyping,
  }
}
