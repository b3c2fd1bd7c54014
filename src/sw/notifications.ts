import type { PushPayload } from '../kernel/contract'
import { cutText, TEXT_LIMITS } from '../kernel/text'

/** What every Parley notification carries in `data`. */
export interface NotificationData {
  conversationId: string | null
  kind: PushPayload['kind'] | 'generic'
  /** New customer messages this notification stands for. */
  count: number
  /** Where a click opens the app. */
  url: string
  /** Offers: when they run out (epoch ms). */
  expiresAt?: number
}

/** NotificationOptions with the members TypeScript's lib leaves out (not in every browser). */
export interface ShowOptions extends NotificationOptions {
  actions?: { action: string; title: string }[]
  renotify?: boolean
  timestamp?: number
  data: NotificationData
}

/** The part of a registration the push handler uses (a fake in unit tests). */
export interface NotificationRegistration {
  getNotifications(filter?: GetNotificationOptions): Promise<Pick<Notification, 'tag' | 'data' | 'close'>[]>
  showNotification(title: string, options?: NotificationOptions): Promise<void>
}

const KINDS: readonly string[] = ['message', 'offer', 'transfer', 'test']
const ICON = '/icon-192.png'

/**
 * The push's JSON, or null when it isn't a PushPayload (a generic notification is shown then).
 * Title and body are cut between graphemes to TEXT_LIMITS.name / .pushPreview, never inside an emoji.
 */
export function parsePayload(text: string | null | undefined): PushPayload | null {
  if (!text) return null
  try {
    const v = JSON.parse(text) as Partial<PushPayload> | null
    if (!v || typeof v !== 'object' || !KINDS.includes(v.kind as string)) return null
    if (typeof v.title !== 'string' || typeof v.body !== 'string') return null
    if (v.conversationId !== null && typeof v.conversationId !== 'string') return null
    if (v.kind !== 'test' && !v.conversationId) return null
    return {
      kind: v.kind as PushPayload['kind'],
      conversationId: v.conversationId,
      // Cut between graphemes (the server cuts the same way; this holds for any sender).
      title: cutText(v.title, TEXT_LIMITS.name),
      body: cutText(v.body, TEXT_LIMITS.pushPreview),
      ...(typeof v.expiresAt === 'number' ? { expiresAt: v.expiresAt } : {}),
    }
  } catch {
    return null
  }
}

export function conversationUrl(conversationId: string | null): string {
  return conversationId ? `/conversations/${encodeURIComponent(conversationId)}` : '/conversations'
}

/** One notification per conversation. */
export function tagFor(p: PushPayload | null): string {
  if (!p) return 'parley-generic'
  return p.conversationId ? `conv-${p.conversationId}` : `parley-${p.kind}`
}

function isData(d: unknown): d is NotificationData {
  return !!d && typeof d === 'object' && typeof (d as NotificationData).kind === 'string'
}

/** The notification to show for a push, given the data of the ones it replaces. */
export function buildNotification(p: PushPayload | null, previous: unknown[], now = Date.now()): { title: string; options: ShowOptions } {
  const tag = tagFor(p)
  // dir 'auto': the title (a customer's name) and the body (their words) take their direction from
  // their own text, whatever the interface language.
  const base = { tag, renotify: true, icon: ICON, timestamp: now, dir: 'auto' as const }
  if (!p) {
    return {
      title: 'Parley',
      options: { ...base, body: 'You have a new notification.', data: { conversationId: null, kind: 'generic', count: 1, url: '/conversations' } },
    }
  }
  const url = conversationUrl(p.conversationId)
  switch (p.kind) {
    case 'message': {
      const before = previous.filter(isData).filter((d) => d.kind === 'message').reduce((n, d) => Math.max(n, Number(d.count) || 0), 0)
      const count = before + 1
      return {
        title: p.title || 'Customer',
        options: { ...base, body: count > 1 ? `${count} new messages` : p.body, data: { conversationId: p.conversationId, kind: 'message', count, url } },
      }
    }
    case 'offer':
    case 'transfer':
      return {
        title: p.title || 'Customer',
        options: {
          ...base,
          body: p.body,
          requireInteraction: true,
          actions: [{ action: 'accept', title: 'Accept' }, { action: 'reject', title: 'Reject' }],
          data: { conversationId: p.conversationId, kind: p.kind, count: 1, url, ...(p.expiresAt ? { expiresAt: p.expiresAt } : {}) },
        },
      }
    case 'test':
      return { title: 'Parley', options: { ...base, body: p.body, data: { conversationId: null, kind: 'test', count: 1, url: '/conversations' } } }
  }
}

/**
 * Shows the notification for a push. The ones it replaces (same conversation) and offers that ran
 * out are closed by hand first: some platforms ignore tags and would pile them up.
 */
export async function showPush(reg: NotificationRegistration, p: PushPayload | null, now = Date.now()): Promise<void> {
  const tag = tagFor(p)
  let shown: Awaited<ReturnType<NotificationRegistration['getNotifications']>> = []
  try {
    shown = await reg.getNotifications()
  } catch {
    // No list on this platform: the tag alone replaces.
  }
  const replaced = shown.filter((n) => n.tag === tag || (p?.conversationId && isData(n.data) && n.data.conversationId === p.conversationId))
  const { title, options } = buildNotification(p, replaced.map((n) => n.data as unknown), now)
  for (const n of shown) {
    const expired = isData(n.data) && n.data.expiresAt !== undefined && n.data.expiresAt < now
    if (replaced.includes(n) || expired) n.close()
  }
  await reg.showNotification(title, options)
}
