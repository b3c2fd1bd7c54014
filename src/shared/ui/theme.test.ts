import { afterEach, describe, expect, it } from 'vitest'
import { readThemeChoice, resolveTheme, THEME_KEY } from './theme'

afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage
})

function storage(value: string | null, throws = false) {
  ;(globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (k: string) => {
      if (throws) throw new Error('SecurityError')
      return k === THEME_KEY ? value : null
    },
  }
}

describe('theme choice', () => {
  it('System follows the device; Light and Dark override it', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
    expect(resolveTheme('dark', false)).toBe('dark')
  })

  it('reads the stored choice; nothing, junk or blocked storage mean System', () => {
    storage('dark')
    expect(readThemeChoice()).toBe('dark')
    storage(null)
    expect(readThemeChoice()).toBe('system')
    storage('purple')
    expect(readThemeChoice()).toBe('system')
    storage('dark', true)
    expect(readThemeChoice()).toBe('system')
  })
})
