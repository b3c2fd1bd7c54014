/**
 * The app's languages: vue-i18n (Composition API only) with messages precompiled at build time by
 * @intlify/unplugin-vue-i18n, so the runtime carries no message compiler. Each locale is one JSON
 * file in ./locales and one lazy chunk: only the active locale's messages are ever loaded.
 *
 * Adding a language is adding one file `locales/<tag>.json` with every key of en.json
 * (locales.test.ts checks that) and, if it is written right to left, its tag in RTL_LOCALES.
 * Plurals use vue-i18n's pipe syntax (`no chats | one chat | {n} chats`) with the locale's
 * CLDR plural rules from `Intl.PluralRules` (pluralRules below), never string concatenation.
 */
import { createI18n, registerMessageResolver } from 'petite-vue-i18n'
import type en from './locales/en.json'

/** The shape every locale file has: en.json's. */
export type MessageSchema = typeof en

/** Locale tags Parley ships (BCP 47 language subtags), in the order Settings lists them. */
export const SUPPORTED_LOCALES = ['en', 'de', 'es', 'ar'] as const
export type Locale = (typeof SUPPORTED_LOCALES)[number]

/** Each language's name in itself, for the language menus (not translated: a reader finds their own). */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', es: 'Español', ar: 'العربية' }

/** Scripts written right to left (Unicode bidi class R/AL) among SUPPORTED_LOCALES. */
const RTL_LOCALES: ReadonlySet<Locale> = new Set<Locale>(['ar'])

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(v)

export const localeDirection = (locale: Locale): 'ltr' | 'rtl' => (RTL_LOCALES.has(locale) ? 'rtl' : 'ltr')

/**
 * The first supported locale among `preferred` (an explicit choice, a `?lang=` value, then the
 * browser's `navigator.languages`), matched by primary language subtag (RFC 4647 lookup:
 * `de-AT` → `de`); English when none matches.
 */
export function resolveLocale(...preferred: readonly (string | null | undefined)[]): Locale {
  for (const tag of preferred) {
    if (!tag) continue
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0]
    if (isLocale(primary)) return primary
  }
  return 'en'
}

/** CLDR plural category → vue-i18n's choice index for messages written `zero | one | other` style. */
function pluralRule(locale: Locale) {
  const rules = new Intl.PluralRules(locale)
  // Messages list the forms a locale needs in CLDR order (zero, one, two, few, many, other),
  // skipping those the locale lacks; en/de/es: `one | other`, ar: all six.
  const order = rules.resolvedOptions().pluralCategories
  const sorted = ['zero', 'one', 'two', 'few', 'many', 'other'].filter((c) => order.includes(c as Intl.LDMLPluralRule))
  return (choice: number, choicesLength: number): number => {
    const index = sorted.indexOf(rules.select(choice))
    return Math.min(index < 0 ? choicesLength - 1 : index, choicesLength - 1)
  }
}

/**
 * Nested keys (`admin.agents.heading`): petite-vue-i18n resolves only flat keys unless a resolver
 * is registered (its default is key-value). Walks the message tree by dots; null when a step is
 * missing, so `t` falls back to English and then to the key.
 */
registerMessageResolver((messages, path) => {
  let node: unknown = messages
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return null
    node = (node as Record<string, unknown>)[key]
  }
  return (node ?? null) as ReturnType<Parameters<typeof registerMessageResolver>[0]>
})

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: {} as Record<Locale, MessageSchema>,
  pluralRules: Object.fromEntries(SUPPORTED_LOCALES.map((l) => [l, pluralRule(l)])),
  missingWarn: false,
  fallbackWarn: false,
})

const loaders = import.meta.glob<{ default: MessageSchema }>('./locales/*.json')

/** Loads a locale's messages (its own lazy chunk) once; rejects when the chunk can't be fetched. */
async function loadMessages(locale: Locale): Promise<void> {
  if (i18n.global.availableLocales.includes(locale)) return
  const load = loaders[`./locales/${locale}.json`]
  if (!load) throw new Error(`no messages for ${locale}`)
  i18n.global.setLocaleMessage(locale, (await load()).default)
}

/**
 * Makes `locale` the interface language: loads its messages, then sets `<html lang dir>` so the
 * whole layout mirrors for right-to-left scripts. If the chunk can't load (offline, not cached),
 * English stays (it is loaded as the fallback first) and the promise still resolves.
 */
export async function setLocale(locale: Locale): Promise<Locale> {
  let active: Locale = locale
  try {
    await loadMessages(locale)
  } catch {
    active = 'en'
    await loadMessages('en')
  }
  i18n.global.locale.value = active
  if (typeof document !== 'undefined') {
    document.documentElement.lang = active
    document.documentElement.dir = localeDirection(active)
  }
  return active
}

export const LOCALE_KEY = 'parley.locale'

/** The agent's last chosen language on this device (mirrors the choice stored with the user). */
export function readStoredLocale(): Locale | null {
  try {
    const v = localStorage.getItem(LOCALE_KEY)
    return isLocale(v) ? v : null
  } catch {
    return null
  }
}

/** Remembers the choice on this device, best effort (blocked storage: only this visit). */
export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_KEY, locale)
  } catch {
    // storage blocked: the choice still applies for this visit
  }
}

/**
 * The language to start in: on the customer chat page `?lang=` then the browser's languages; in
 * the agent app the choice stored on this device, then the browser's languages.
 */
export function initialLocale(location: { pathname: string; search: string }, languages: readonly string[]): Locale {
  if (location.pathname.startsWith('/chat/')) {
    return resolveLocale(new URLSearchParams(location.search).get('lang'), ...languages)
  }
  return resolveLocale(readStoredLocale(), ...languages)
}

/**
 * Wraps user text (a name, a file name) that goes inside a translated sentence in Unicode
 * directional isolates, FSI … PDI (UAX #9, "Explicit Directional Isolates"): the plain-text
 * equivalent of `<bdi>`, so an Arabic name followed by a number in an English sentence, or a
 * Latin name in an Arabic one, keeps its own direction and doesn't reorder its neighbours. For
 * strings that leave the DOM too (titles, aria labels, notifications). In templates, prefer `<bdi>`.
 */
export const isolate = (text: string): string => `\u2068${text}\u2069`
