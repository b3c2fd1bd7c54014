import { jsonInit } from '../kernel/http/client'
import { errorFromJson } from '../kernel/http/errors'
import type { OpenConversationMessage } from '../kernel/messages'
import { conversationUrl, type NotificationData } from './notifications'

/** A window the click may route (a WindowClient; a fake in unit tests). */
export interface AppWindow {
  readonly url: string
  readonly focused?: boolean
  readonly visibilityState?: DocumentVisibilityState
  focus(): Promise<unknown>
  navigate(url: string): Promise<unknown>
  postMessage(message: unknown, transfer: Transferable[]): void
}

export interface ClickEnv {
  origin: string
  matchWindows(): Promise<readonly AppWindow[]>
  openWindow(url: string): Promise<unknown>
  fetch(url: string, init: RequestInit): Promise<Pick<Response, 'ok' | 'status' | 'json'>>
  showNotification(title: string, options: NotificationOptions): Promise<void>
  /** How long an open window has to confirm it routed itself (then it is navigated). */
  ackTimeoutMs?: number
}


/** The window to reuse: the focused one, else a visible one, else any agent window. */
export function pickWindow(windows: readonly AppWindow[], origin: string): AppWindow | undefined {
  const agent = windows.filter((w) => {
    try {
      const u = new URL(w.url)
      return u.origin === origin && !u.pathname.startsWith('/chat/')
    } catch {
      return false
    }
  })
  return agent.find((w) => w.focused) ?? agent.find((w) => w.visibilityState === 'visible') ?? agent[0]
}

/** Asks the app to route itself (no reload); false when it doesn't answer in time. */
function askToRoute(win: AppWindow, msg: OpenConversationMessage, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    const timer = setTimeout(() => {
      channel.port1.close()
      resolve(false)
    }, timeoutMs)
    channel.port1.onmessage = () => {
      clearTimeout(timer)
      channel.port1.close()
      resolve(true)
    }
    try {
      win.postMessage(msg, [channel.port2])
    } catch {
      clearTimeout(timer)
      resolve(false)
    }
  })
}

/** Focuses an open Parley window and routes it to `url`, or opens one there. */
export async function openApp(env: ClickEnv, url: string, conversationId: string | null): Promise<void> {
  const win = pickWindow(await env.matchWindows(), env.origin)
  const href = new URL(url, env.origin).href
  if (!win) {
    await env.openWindow(href)
    return
  }
  try {
    await win.focus()
  } catch {
    // Focus is allowed only right after the click; routing still helps.
  }
  if (await askToRoute(win, { type: 'open-conversation', conversationId, url }, env.ackTimeoutMs ?? 1000)) return
  try {
    await win.navigate(href)
  } catch {
    // Not controlled by this worker (navigate refuses): a new window then.
    await env.openWindow(href)
  }
}

async function post(env: ClickEnv, path: string) {
  return env.fetch(path, jsonInit('POST'))
}

/** The server's reason for a refusal (the kernel's one error parser). */
async function errorText(res: Pick<Response, 'json' | 'status'>, fallback: string): Promise<string> {
  const body: unknown = await res.json().catch(() => null)
  return errorFromJson(res.status, body, fallback).message
}

/**
 * A click on a Parley notification. `accept` and `reject` work with the app closed: the session
 * cookie goes along with the request.
 */
export async function handleNotificationClick(env: ClickEnv, action: string, data: unknown): Promise<void> {
  const d = (data && typeof data === 'object' ? data : {}) as Partial<NotificationData>
  const id = typeof d.conversationId === 'string' ? d.conversationId : null
  const url = typeof d.url === 'string' && d.url.startsWith('/') ? d.url : conversationUrl(id)
  const isOffer = d.kind === 'offer' || d.kind === 'transfer'

  if (isOffer && id && action === 'reject') {
    await post(env, `/api/conversations/${encodeURIComponent(id)}/reject`).catch(() => undefined)
    return
  }
  if (isOffer && id && action === 'accept') {
    let res: Awaited<ReturnType<ClickEnv['fetch']>> | null = null
    try {
      res = await post(env, `/api/conversations/${encodeURIComponent(id)}/accept`)
    } catch {
      // Offline: open the conversation; the app shows what it can.
    }
    if (res && !res.ok) {
      // In the agent's language when the push brought its words (the server's reason stays as worded).
      const reason = await errorText(res, typeof d.noLongerOffered === 'string' ? d.noLongerOffered : 'The chat is no longer offered to you.')
      await env.showNotification(typeof d.acceptFailed === 'string' ? d.acceptFailed : "Couldn't accept the chat", { body: reason, tag: `conv-${id}`, icon: '/icon-192.png', data: { conversationId: id, kind: 'generic', count: 1, url: '/conversations' } satisfies NotificationData })
      await openApp(env, '/conversations', null)
      return
    }
    await openApp(env, url, id)
    return
  }
  await openApp(env, url, id)
}
