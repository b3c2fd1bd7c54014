import { afterEach, describe, expect, it } from 'vitest'
import { i18n } from './index'
import { dayLabel, formatListTime, formatRelative, formatTime } from './format'
import { formatBytes, formatDuration, formatNumber } from './numbers'

const NOW = new Date(2026, 10, 20, 15, 0).getTime()

describe('format in the active locale', () => {
  afterEach(() => {
    i18n.global.locale.value = 'en'
  })

  it('labels today and yesterday in the interface language, capitalised', () => {
    expect(dayLabel(NOW - 60_000, NOW)).toBe('Today')
    expect(dayLabel(new Date(2026, 10, 19, 23, 59).getTime(), NOW)).toBe('Yesterday')
    i18n.global.locale.value = 'de'
    expect(dayLabel(NOW - 60_000, NOW)).toBe('Heute')
    expect(dayLabel(new Date(2026, 10, 19, 8, 0).getTime(), NOW)).toBe('Gestern')
    i18n.global.locale.value = 'es'
    expect(dayLabel(new Date(2026, 10, 19, 8, 0).getTime(), NOW)).toBe('Ayer')
    i18n.global.locale.value = 'ar'
    expect(dayLabel(new Date(2026, 10, 19, 8, 0).getTime(), NOW)).toBe('أمس')
  })

  it('writes times, numbers and sizes in the locale', () => {
    const t = new Date(2026, 10, 20, 14, 5).getTime()
    i18n.global.locale.value = 'de'
    expect(formatTime(t)).toBe('14:05')
    expect(formatListTime(t, NOW)).toBe('14:05')
    expect(formatListTime(new Date(2026, 2, 3, 9).getTime(), NOW)).toBe('3. März')
    expect(formatNumber(1234.5)).toBe('1.234,5')
    expect(formatBytes(3.5 * 1024 * 1024)).toBe('3,5 MB')
    i18n.global.locale.value = 'en'
    expect(formatTime(t)).toBe('2:05 PM')
    expect(formatBytes(500)).toBe('500 B')
  })

  it('says how long ago and how long', () => {
    expect(formatRelative(NOW - 10_000, NOW)).toBe('now')
    expect(formatRelative(NOW - 5 * 60_000, NOW)).toBe('5 min. ago')
    expect(formatDuration(4 * 60_000 + 20_000)).toBe('4 min')
    i18n.global.locale.value = 'de'
    expect(formatRelative(NOW - 5 * 60_000, NOW)).toBe('vor 5 Min.')
    expect(formatDuration(4 * 60_000)).toBe('4 Min.')
  })
})
