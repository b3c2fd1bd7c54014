import { describe, expect, it } from 'vitest'
import { inlineMovement, swipeOutcome } from './useSwipeRow'

describe('swipeOutcome', () => {
  it('half-opens past a quarter of the width and is a full swipe past 70 %', () => {
    expect(swipeOutcome(-50, 390)).toBe('none')
    expect(swipeOutcome(-0.35 * 390, 390)).toBe('half')
    expect(swipeOutcome(-0.69 * 390, 390)).toBe('half')
    expect(swipeOutcome(-0.9 * 390, 390)).toBe('full')
    expect(swipeOutcome(20, 390)).toBe('none')
    expect(swipeOutcome(-100, 0)).toBe('none')
  })

  it('right to left, the swipe toward the start (to the right) reveals the actions and the left swipe does not', () => {
    const width = 390
    expect(swipeOutcome(inlineMovement(0.35 * width, 'rtl'), width)).toBe('half')
    expect(swipeOutcome(inlineMovement(0.9 * width, 'rtl'), width)).toBe('full')
    expect(swipeOutcome(inlineMovement(-0.9 * width, 'rtl'), width)).toBe('none')
    // Left to right it stays the left swipe.
    expect(swipeOutcome(inlineMovement(-0.35 * width, 'ltr'), width)).toBe('half')
    expect(swipeOutcome(inlineMovement(0.9 * width, 'ltr'), width)).toBe('none')
  })
})
