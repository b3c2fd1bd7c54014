// The server's words in the user's language: push notifications. The messages are the app's own
// (src/shared/i18n/locales/<locale>.json, namespace `push`), read once at start, so one file per
// language serves the app and its notifications. Simple `{name}` placeholders and vue-i18n's pipe
// plurals (`one | other`, Arabic's six CLDR forms) chosen by Intl.PluralRules.
import { existsSync, readFileSync } from 'node:fs'
import type { Locale, PushWords } from '../api-types.js'

/** Interface languages Parley ships, as src/shared/i18n SUPPORTED_LOCALES. */
export const LOCALES = ['en', 'de', 'es', 'ar'] as const satisfies readonly Locale[]

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v)

/** The push texts the server writes (keys of the `push` namespace). */
export type PushKey = 'newMessage' | 'attachment' | 'customer' | 'newChat' | 'transferred' | 'test' | 'accept' | 'reject' | 'newMessages' | 'acceptFailed' | 'noLongerOffered' | 'assigned' | 'awayTitle' | 'awayBody'

// English as written in en.json: used when a locale file can't be read (the server still starts).
const ENGLISH: Record<PushKey, string> = {
  newMessage: 'New message',
  attachment: '📎 Attachment',
  customer: 'Customer',
  newChat: 'New chat in {queue}',
  transferred: 'Transferred to you in {queue}',
  test: 'Notifications are working.',
  accept: 'Accept',
  reject: 'Reject',
  newMessages: '{n} new message | {n} new messages',
  acceptFailed: "Couldn't accept the chat",
  noLongerOffered: 'The chat is no longer offered to you.',
  assigned: 'Assigned to you in {queue}',
  awayTitle: "You're now Away",
  awayBody: 'You missed offers in a row. Choose Available to get chats again.',
}

// The app's locale files, from this module's place: server/src/i18n (tsx, tests) is three levels
// below the repository root; the bundled build (scripts/build-server.mjs) puts every module
// directly in server/dist, two levels below.
const LOCALE_DIR = ['../../../src/shared/i18n/locales/', '../../src/shared/i18n/locales/']
  .map((path) => new URL(path, import.meta.url))
  .find((url) => existsSync(new URL('en.json', url))) ?? new URL('../../../src/shared/i18n/locales/', import.meta.url)

function load(locale: Locale): Partial<Record<PushKey, string>> {
  try {
    const all = JSON.parse(readFileSync(new URL(`${locale}.json`, LOCALE_DIR), 'utf8')) as { push?: Record<string, unknown> }
    const push = all.push ?? {}
    return Object.fromEntries(Object.entries(push).filter(([, v]) => typeof v === 'string')) as Partial<Record<PushKey, string>>
  } catch {
    return {}
  }
}

const messages = new Map<Locale, Partial<Record<PushKey, string>>>(LOCALES.map((l) => [l, load(l)]))

const CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const

/** The plural form of a `a | b | c` message for `count` in `locale` (forms listed in CLDR order, as the app does). */
function pluralForm(message: string, locale: Locale, count: number): string {
  const forms = message.split(' | ')
  if (forms.length === 1) return message
  const rules = new Intl.PluralRules(locale)
  const have = rules.resolvedOptions().pluralCategories
  const order = CATEGORIES.filter((c) => have.includes(c))
  const index = Math.min(Math.max(0, order.indexOf(rules.select(count))), forms.length - 1)
  return forms[index] ?? message
}

/**
 * A push text in `locale` (null or unknown → English): `{name}` placeholders filled from `params`
 * (values as given: wrap user text in isolates yourself), a plural form chosen when `params.n` is a number.
 */
export function pushText(locale: string | null | undefined, key: PushKey, params: Record<string, string | number> = {}): string {
  const l: Locale = isLocale(locale) ? locale : 'en'
  let message = messages.get(l)?.[key] ?? messages.get('en')?.[key] ?? ENGLISH[key]
  if (typeof params.n === 'number') message = pluralForm(message, l, params.n)
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** The words the service worker adds to a push (buttons, "3 new messages"), in `locale` (null → English). */
export function pushWords(locale: string | null | undefined): PushWords {
  const l: Locale = isLocale(locale) ? locale : 'en'
  const raw = (key: PushKey) => messages.get(l)?.[key] ?? messages.get('en')?.[key] ?? ENGLISH[key]
  return {
    locale: l, accept: raw('accept'), reject: raw('reject'), newMessages: raw('newMessages'),
    acceptFailed: raw('acceptFailed'), noLongerOffered: raw('noLongerOffered'),
  }
}

