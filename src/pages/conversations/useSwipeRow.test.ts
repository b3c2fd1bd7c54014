import { describe, expect, it } from 'vitest'
import { swipeOutcome } from './useSwipeRow'

describe('swipeOutcome', () => {
  it('half-opens past a quarter of the width and is a full swipe past 70 %', () => {
    expect(swipeOutcome(-50, 390)).toBe('none')
    expect(swipeOutcome(-0.35 * 390, 390)).toBe('half')
    expect(swipeOutcome(-0.69 * 390, 390)).toBe('half')
    expect(swipeOutcome(-0.9 * 390, 390)).toBe('full')
    expect(swipeOutcome(20, 390)).toBe('none')
    expect(swipeOutcome(-100, 0)).toBe('none')
  })
})
