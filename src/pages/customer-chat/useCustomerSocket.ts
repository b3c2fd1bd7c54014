// The customer's realtime connection: hello with the chat token (and the last event id seen),
// reconnect with backoff, and hand every server frame to the caller.
import { onBeforeUnmount, ref } from 'vue'
import type { ClientFrame, ServerFrame } from '../../../server/src/api-types'

export type SocketStatus = 'idle' | 'connecting' | 'open' | 'closed'

export interface CustomerSocketOptions {
  onFrame: (frame: ServerFrame) => void
  /** The server refused the token: the chat is gone for this browser. */
  onUnauthorized: () => void
}

const MAX_DELAY_MS = 30_000

export function useCustomerSocket({ onFrame, onUnauthorized }: CustomerSocketOptions) {
  const status = ref<SocketStatus>('idle')
  let socket: WebSocket | null = null
  let token: string | null = null
  let cursor: number | undefined
  let attempts = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const url = () => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/ws`

  function open() {
    clearTimeout(timer)
    timer = undefined
    if (!token || socket) return
    status.value = 'connecting'
    const ws = new WebSocket(url())
    socket = ws
    ws.onopen = () => {
      const hello: ClientFrame = { type: 'hello', token: token ?? undefined, ...(cursor !== undefined ? { cursor } : {}) }
      ws.send(JSON.stringify(hello))
    }
    ws.onmessage = (e: MessageEvent) => {
      let frame: ServerFrame
      try {
        frame = JSON.parse(String(e.data)) as ServerFrame
      } catch {
        return
      }
      if (frame.type === 'event') cursor = Math.max(cursor ?? 0, frame.event.id)
      if (frame.type === 'ready') {
        cursor = frame.reset ? frame.cursor : Math.max(cursor ?? 0, frame.cursor)
        attempts = 0
        status.value = 'open'
      }
      if (frame.type === 'error' && frame.error.code === 'unauthorized') {
        stop()
        onUnauthorized()
        return
      }
      onFrame(frame)
    }
    ws.onclose = (e: CloseEvent) => {
      if (socket !== ws) return
      socket = null
      status.value = 'closed'
      if (e.code === 4401) return // the token was refused; the error frame already said so
      schedule()
    }
  }

  function schedule() {
    if (!token || timer) return
    // 1s, 2s, 4s … up to 30s, with jitter so a server restart isn't hit by everyone at once.
    const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** attempts)
    attempts += 1
    timer = setTimeout(open, base / 2 + Math.random() * (base / 2))
  }

  /** Connect (or reconnect) for this chat token. */
  function start(chatToken: string) {
    if (token !== chatToken) {
      stop()
      token = chatToken
      cursor = undefined
    }
    open()
  }

  function stop() {
    token = null
    clearTimeout(timer)
    timer = undefined
    const ws = socket
    socket = null
    status.value = 'idle'
    if (ws) {
      ws.onclose = null
      ws.onmessage = null
      ws.close()
    }
  }

  function send(frame: ClientFrame): boolean {
    if (socket?.readyState !== WebSocket.OPEN || status.value !== 'open') return false
    socket.send(JSON.stringify(frame))
    return true
  }

  // Back online or back to the tab: try now instead of waiting out the backoff.
  const wake = () => {
    if (!token || socket) return
    attempts = 0
    open()
  }
  const onVisibility = () => {
    if (document.visibilityState === 'visible') wake()
  }
  window.addEventListener('online', wake)
  document.addEventListener('visibilitychange', onVisibility)
  onBeforeUnmount(() => {
    window.removeEventListener('online', wake)
    document.removeEventListener('visibilitychange', onVisibility)
    stop()
  })

  return { status, start, stop, send }
}
