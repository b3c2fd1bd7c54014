import { graphemesOver } from '@/kernel/text'
import { i18n } from '@/shared/i18n'

/**
 * Why `text` can't be saved in a field limited to `max` characters, counted as people count them
 * (graphemes: 👍🏽 or é is one; `TEXT_LIMITS` in kernel/text.ts, the server's limits), in the
 * interface language: "Up to 4,000 characters (3 too many)."; '' when it fits. Text over the limit
 * is kept as typed, never cut: the field says why it can't be saved.
 */
export function lengthProblem(text: string, max: number): string {
  const over = graphemesOver(text, max)
  if (!over) return ''
  const n = new Intl.NumberFormat(i18n.global.locale.value)
  return i18n.global.t('text.tooLong', { max: n.format(max), over: n.format(over) })
}
