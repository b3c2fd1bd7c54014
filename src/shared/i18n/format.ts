/**
 * Dates and times for people (numbers, sizes and durations: ./numbers.ts), through `Intl` in the active interface
 * language (`i18n.global.locale`) and the device's time zone. petite-vue-i18n has no `d()`/`n()`:
 * every formatted value in the app goes through this module, so a change of language (setLocale)
 * changes them too. Formatters are cached per locale and options.
 *
 * All `ms` arguments are epoch milliseconds; `now` defaults to `Date.now()`.
 */
import { i18n } from './index'

/** The active interface language's tag ("en", "de", "es", "ar"). */
export const activeLocale = (): string => i18n.global.locale.value

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>()

export function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(kind: string, options: object, make: (locale: string) => T): T {
  const locale = activeLocale()
  const key = `${kind}|${locale}|${JSON.stringify(options)}`
  let f = cache.get(key) as T | undefined
  if (!f) {
    f = make(locale)
    cache.set(key, f)
  }
  return f
}

const dtf = (options: Intl.DateTimeFormatOptions) => cached('dt', options, (l) => new Intl.DateTimeFormat(l, options))
const rtf = (options: Intl.RelativeTimeFormatOptions) => cached('rt', options, (l) => new Intl.RelativeTimeFormat(l, options))

function dayKey(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`
}

/** Whole calendar days from `now`'s day back to `ms`'s day in the device's time zone (0 = same day, 1 = yesterday). */
function daysAgo(ms: number, now: number): number {
  const a = new Date(ms)
  const b = new Date(now)
  const da = Date.UTC(a.getFullYear(), a.getMonth(), a.getDate())
  const db = Date.UTC(b.getFullYear(), b.getMonth(), b.getDate())
  return Math.round((db - da) / 86_400_000)
}

/** Upper-cases the first letter in the active locale ("heute" → "Heute"; scripts without case unchanged). */
function capitalize(s: string): string {
  const first = s.codePointAt(0)
  if (first === undefined) return s
  const ch = String.fromCodePoint(first)
  return ch.toLocaleUpperCase(activeLocale()) + s.slice(ch.length)
}

/** Clock time: "14:05" (de), "2:05 PM" (en). */
export function formatTime(ms: number): string {
  return dtf({ hour: 'numeric', minute: '2-digit' }).format(ms)
}

/** Date and time, for tooltips and details: "4 Dec 2026, 14:05" in the locale's own style. */
export function formatFull(ms: number): string {
  return dtf({ dateStyle: 'medium', timeStyle: 'short' }).format(ms)
}

/** A date with year: "12 Nov 2026" in the locale's own style. */
export function formatDate(ms: number): string {
  return dtf({ day: 'numeric', month: 'short', year: 'numeric' }).format(ms)
}

/** Lists: the time when `ms` is today, otherwise the day ("3 Mar"; the year when not this year). */
export function formatListTime(ms: number, now = Date.now()): string {
  if (dayKey(ms) === dayKey(now)) return formatTime(ms)
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear()
  return dtf(sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' }).format(ms)
}

/**
 * A day separator: "Today", "Yesterday" (Intl.RelativeTimeFormat with numeric 'auto', first letter
 * capitalised: "Heute", "Ayer", "أمس"), otherwise the date ("12 Nov 2026").
 */
export function dayLabel(ms: number, now = Date.now()): string {
  const days = daysAgo(ms, now)
  if (days === 0 || days === 1) return capitalize(rtf({ numeric: 'auto' }).format(-days, 'day'))
  return formatDate(ms)
}

/**
 * How long ago, in words of the locale: "now", "5 min ago", "2 hr. ago", "yesterday", "3 days ago"
 * (Intl.RelativeTimeFormat, style 'short', numeric 'auto'). Future times count as now.
 */
export function formatRelative(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000))
  const f = rtf({ numeric: 'auto', style: 'short' })
  if (s < 45) return f.format(0, 'second')
  const min = Math.round(s / 60)
  if (min < 60) return f.format(-min, 'minute')
  const h = Math.round(min / 60)
  if (h < 24) return f.format(-h, 'hour')
  return f.format(-daysAgo(ms, now), 'day')
}

/** Machine-readable time for `<time datetime>`: ISO 8601 in UTC. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}
