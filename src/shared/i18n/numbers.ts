/**
 * Numbers, file sizes and durations for people, through `Intl.NumberFormat` in the active interface
 * language (see ./format.ts for dates and times). A module of its own so the first screen, which
 * shows no numbers, doesn't load it.
 */
import { cached } from './format'
import { i18n } from './index'

const nf = (options: Intl.NumberFormatOptions) => cached('n', options, (l) => new Intl.NumberFormat(l, options))

/**
 * A duration in its largest sensible unit, short: "45 sec", "4 min", "2 hr", "3 days" in the
 * locale ("4 Min.", "4 min", "٤ دقائق"), for "waiting 4 min" style labels (put it in a translated
 * sentence with `t('…', { duration })`). Negative durations count as 0.
 */
export function formatDuration(durationMs: number): string {
  const s = Math.max(0, Math.floor(durationMs / 1000))
  if (s < 60) return nf({ style: 'unit', unit: 'second', unitDisplay: 'short' }).format(s)
  const min = Math.floor(s / 60)
  if (min < 60) return nf({ style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(min)
  const h = Math.floor(min / 60)
  if (h < 24) return nf({ style: 'unit', unit: 'hour', unitDisplay: 'short' }).format(h)
  return nf({ style: 'unit', unit: 'day', unitDisplay: 'long' }).format(Math.floor(h / 24))
}

/** A number with the locale's digits and grouping: "1,234" (en), "1.234" (de), "١٬٢٣٤" (ar). */
export function formatNumber(n: number, options: Intl.NumberFormatOptions = {}): string {
  return nf(options).format(n)
}

/**
 * A file size in binary units (1 KB = 1024 B): "512 B", "12 KB", "3.4 MB" (one decimal under
 * 10 MB); the number in the locale's digits and separators, the unit as the locale writes it
 * (`ui.size.*`: "3,4 MB", "3.4 م.ب").
 */
export function formatBytes(n: number): string {
  const t = i18n.global.t
  if (n < 1024) return t('ui.size.b', { n: nf({}).format(n) })
  if (n < 1024 * 1024) return t('ui.size.kb', { n: nf({ maximumFractionDigits: 0 }).format(n / 1024) })
  const mb = n / (1024 * 1024)
  return t('ui.size.mb', { n: nf({ maximumFractionDigits: mb >= 10 ? 0 : 1 }).format(mb) })
}
