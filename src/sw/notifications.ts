import type { PushPayload, PushWords } from '../kernel/contract'
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
  /** Offers: what a late Accept says, in the agent's language (from the push's words). */
  acceptFailed?: string
  noLongerOffered?: string
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

const KINDS: readonly string[] = ['message', 'offer', 'transfer', 'assigned', 'test', 'away']
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
    if (v.kind !== 'test' && v.kind !== 'away' && !v.conversationId) return null
    return {
      kind: v.kind as PushPayload['kind'],
      conversationId: v.conversationId,
      // Cut between graphemes (the server cuts the same way; this holds for any sender).
      title: cutText(v.title, TEXT_LIMITS.name),
      body: cutText(v.body, TEXT_LIMITS.pushPreview),
      ...(typeof v.expiresAt === 'number' ? { expiresAt: v.expiresAt } : {}),
      ...(isWords(v.words) ? { words: v.words } : {}),
    }
  } catch {
    return null
  }
}

const WORD_KEYS = ['locale', 'accept', 'reject', 'newMessages', 'acceptFailed', 'noLongerOffered'] as const

function isWords(w: unknown): w is PushWords {
  return !!w && typeof w === 'object' && WORD_KEYS.every((k) => typeof (w as Record<string, unknown>)[k] === 'string')
}

/** English, for pushes sent before the server worded them (or without words). */
const ENGLISH: PushWords = {
  locale: 'en', accept: 'Accept', reject: 'Reject', newMessages: '{n} new message | {n} new messages',
  acceptFailed: "Couldn't accept the chat", noLongerOffered: 'The chat is no longer offered to you.',
}

/** "3 new messages" in the words' language: the pipe form for `n` by Intl.PluralRules (forms in CLDR order), `{n}` filled. */
export function countText(pattern: string, locale: string, n: number): string {
  const forms = pattern.split(' | ')
  let form = forms[0] ?? pattern
  if (forms.length > 1) {
    const rules = new Intl.PluralRules(locale)
    const have = rules.resolvedOptions().pluralCategories as string[]
    const order = ['zero', 'one', 'two', 'few', 'many', 'other'].filter((c) => have.includes(c))
    form = forms[Math.min(Math.max(0, order.indexOf(rules.select(n))), forms.length - 1)] ?? form
  }
  return form.replace(/\{n\}/g, new Intl.NumberFormat(locale).format(n))
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
  const words = p.words ?? ENGLISH
  switch (p.kind) {
    case 'message': {
      const before = previous.filter(isData).filter((d) => d.kind === 'message').reduce((n, d) => Math.max(n, Number(d.count) || 0), 0)
      const count = before + 1
      return {
        title: p.title || 'Customer',
        options: { ...base, body: count > 1 ? countText(words.newMessages, words.locale, count) : p.body, data: { conversationId: p.conversationId, kind: 'message', count, url } },
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
          actions: [{ action: 'accept', title: words.accept }, { action: 'reject', title: words.reject }],
          data: {
            conversationId: p.conversationId, kind: p.kind, count: 1, url, ...(p.expiresAt ? { expiresAt: p.expiresAt } : {}),
            acceptFailed: words.acceptFailed, noLongerOffered: words.noLongerOffered,
          },
        },
      }
    case 'assigned':
      // A supervisor gave the agent this chat: it is theirs already, nothing to accept.
      return { title: p.title || 'Customer', options: { ...base, body: p.body, data: { conversationId: p.conversationId, kind: 'assigned', count: 1, url } } }
    case 'away':
      // Set Away for missed offers: the click opens Settings, where Available is.
      return { title: p.title || 'Parley', options: { ...base, body: p.body, data: { conversationId: null, kind: 'away', count: 1, url: '/settings' } } }
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
