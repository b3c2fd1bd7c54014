import { describe, expect, it } from 'vitest'
import { neighbour, shortcutFor } from './shortcuts'

const key = (k: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; isComposing: boolean }> = {}) => ({
  key: k, altKey: false, ctrlKey: false, metaKey: false, ...mods,
})

describe('shortcutFor', () => {
  it('moves with Alt+arrows, typing or not', () => {
    expect(shortcutFor(key('ArrowDown', { altKey: true }), true)).toBe('next')
    expect(shortcutFor(key('ArrowUp', { altKey: true }), false)).toBe('previous')
  })

  it('moves with j/k only when not typing', () => {
    expect(shortcutFor(key('j'), false)).toBe('next')
    expect(shortcutFor(key('k'), false)).toBe('previous')
    expect(shortcutFor(key('j'), true)).toBeNull()
    expect(shortcutFor(key('k'), true)).toBeNull()
  })

  it('focuses search with Ctrl+K, Cmd+K, or / when not typing', () => {
    expect(shortcutFor(key('k', { ctrlKey: true }), true)).toBe('search')
    expect(shortcutFor(key('K', { metaKey: true }), false)).toBe('search')
    expect(shortcutFor(key('/'), false)).toBe('search')
    expect(shortcutFor(key('/'), true)).toBeNull()
  })

  it('opens help with ? only when not typing', () => {
    expect(shortcutFor(key('?'), false)).toBe('help')
    expect(shortcutFor(key('?'), true)).toBeNull()
  })

  it('ignores other keys, other chords and IME composition', () => {
    expect(shortcutFor(key('a'), false)).toBeNull()
    expect(shortcutFor(key('j', { ctrlKey: true }), false)).toBeNull()
    expect(shortcutFor(key('ArrowDown'), false)).toBeNull()
    expect(shortcutFor(key('ArrowDown', { altKey: true, ctrlKey: true }), false)).toBeNull()
    expect(shortcutFor(key('ArrowDown', { altKey: true, isComposing: true }), false)).toBeNull()
  })
})

describe('neighbour', () => {
  const ids = ['a', 'b', 'c']
  it('steps through the list and stops at its ends', () => {
    expect(neighbour(ids, 'a', 'next')).toBe('b')
    expect(neighbour(ids, 'b', 'previous')).toBe('a')
    expect(neighbour(ids, 'c', 'next')).toBeNull()
    expect(neighbour(ids, 'a', 'previous')).toBeNull()
  })
  it('starts at an end when nothing in the list is open', () => {
    expect(neighbour(ids, null, 'next')).toBe('a')
    expect(neighbour(ids, 'zz', 'previous')).toBe('c')
    expect(neighbour([], null, 'next')).toBeNull()
  })
})
