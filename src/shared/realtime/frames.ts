import { getCurrentScope, onScopeDispose } from 'vue'
import type { Conversation, User } from '@/kernel/contract'

/** Socket frames that views loaded later (the admin's) listen to; the agent runtime emits them. */
export interface FrameMap {
  user: User
  supervisor: Conversation
  /** The socket is (again) ready: views that are not replayed reload. */
  ready: undefined
}

const listeners: { [K in keyof FrameMap]: Set<(v: FrameMap[K]) => void> } = { user: new Set(), supervisor: new Set(), ready: new Set() }

/** Called by the runtime for each frame. */
export function emitFrame<K extends keyof FrameMap>(type: K, value: FrameMap[K]): void {
  for (const fn of listeners[type]) fn(value)
}

/** Listens to a frame type until the calling component's scope ends (or the returned stop). */
export function onFrame<K extends keyof FrameMap>(type: K, fn: (v: FrameMap[K]) => void): () => void {
  listeners[type].add(fn)
  const stop = () => listeners[type].delete(fn)
  if (getCurrentScope()) onScopeDispose(stop)
  return stop
}
