import { afterEach, describe, expect, it } from 'vitest'
import { moveFocus } from './rovingFocus'

/** Menu entries as the DOM would have them: focus() makes an entry document.activeElement. */
function entries(n: number) {
  const doc = { activeElement: null as unknown }
  ;(globalThis as { document?: unknown }).document = doc
  const list = Array.from({ length: n }, (_, i) => {
    const el = { id: i, focus: () => (doc.activeElement = el) }
    return el
  })
  return { list: list as unknown as HTMLElement[], focused: () => (doc.activeElement as { id: number } | null)?.id ?? null }
}

afterEach(() => {
  delete (globalThis as { document?: unknown }).document
})

describe('moveFocus (APG menu and grid keys)', () => {
  it('a list wraps with the arrows and jumps with Home/End', () => {
    const { list, focused } = entries(3)
    list[0]!.focus()
    expect(moveFocus('ArrowUp', list)).toBe(true)
    expect(focused()).toBe(2)
    moveFocus('ArrowDown', list)
    expect(focused()).toBe(0)
    moveFocus('End', list)
    expect(focused()).toBe(2)
    moveFocus('Home', list)
    expect(focused()).toBe(0)
  })

  it('a grid moves by rows and stops at its edges', () => {
    const { list, focused } = entries(10)
    list[1]!.focus()
    moveFocus('ArrowDown', list, 7)
    expect(focused()).toBe(8)
    moveFocus('ArrowDown', list, 7)
    expect(focused()).toBe(9)
    moveFocus('ArrowLeft', list, 7)
    expect(focused()).toBe(8)
  })

  it('other keys are left alone (Enter, letters) so the entry handles them', () => {
    const { list, focused } = entries(3)
    list[1]!.focus()
    expect(moveFocus('Enter', list)).toBe(false)
    expect(moveFocus('ArrowRight', list)).toBe(false)
    expect(focused()).toBe(1)
  })
})
