// The typed messages between the pages and the service worker, and the names they share
// (Background Sync tags, BroadcastChannel names). Both sides import them from here only.

/** Background Sync tag: "the outbox has something to send". */
export const OUTBOX_SYNC_TAG = 'parley-outbox'
/** Background Sync tag: "a sign-out made offline must reach the server" (see ../account/signOut.ts). */
export const SIGNOUT_SYNC_TAG = 'parley-signout'
/** BroadcastChannel on which the service worker tells open pages what it did. */
export const OUTBOX_CHANNEL = 'parley-outbox'

/** Page → worker: the waiting version takes over (workbox-window's messageSkipWaiting sends it). */
export type SkipWaitingMessage = { type: 'SKIP_WAITING' }

/** Worker → window: route to the conversation (a notification click), then answer on the port. */
export interface OpenConversationMessage {
  type: 'open-conversation'
  conversationId: string | null
  /** A same-origin path ("/conversations/…"). */
  url: string
}

/** Worker → every page (BroadcastChannel OUTBOX_CHANNEL). */
export type ChannelMessage =
  /** The service worker sent (or failed) outbox items: show the stored state. */
  | { type: 'outbox-changed' }
  /** A sign-out made offline has reached the server. */
  | { type: 'signout-completed' }

/** Kept for the outbox's listeners. */
export type OutboxChannelMessage = ChannelMessage

export type PageToWorker = SkipWaitingMessage
export type WorkerToPage = OpenConversationMessage

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

export function isSkipWaiting(data: unknown): data is SkipWaitingMessage {
  return isObject(data) && data.type === 'SKIP_WAITING'
}

/** An open-conversation message whose url is a same-origin path (never "//host"). */
export function isOpenConversation(data: unknown): data is OpenConversationMessage {
  return isObject(data) && data.type === 'open-conversation' && typeof data.url === 'string' && data.url.startsWith('/') && !data.url.startsWith('//')
}

export function isChannelMessage(data: unknown): data is ChannelMessage {
  return isObject(data) && (data.type === 'outbox-changed' || data.type === 'signout-completed')
}

/** Posts on the BroadcastChannel (where there is one) and closes it. */
export function broadcast(message: ChannelMessage): void {
  if (typeof BroadcastChannel !== 'function') return
  const channel = new BroadcastChannel(OUTBOX_CHANNEL)
  channel.postMessage(message)
  channel.close()
}
