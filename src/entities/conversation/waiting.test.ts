import { describe, expect, it } from 'vitest'
import { waitingLevel, waitingMinutes } from './waiting'

const work = { waitWarnMinutes: 2, waitUrgentMinutes: 5 }
const MIN = 60_000

describe('waiting time', () => {
  it('counts whole minutes, never below zero', () => {
    expect(waitingMinutes(0, 59_999)).toBe(0)
    expect(waitingMinutes(0, 4 * MIN + 30_000)).toBe(4)
    expect(waitingMinutes(10_000, 0)).toBe(0)
  })

  it('colours past the thresholds', () => {
    expect(waitingLevel(0, 2 * MIN - 1, work)).toBe('ok')
    expect(waitingLevel(0, 2 * MIN, work)).toBe('warn')
    expect(waitingLevel(0, 5 * MIN - 1, work)).toBe('warn')
    expect(waitingLevel(0, 5 * MIN, work)).toBe('urgent')
  })
})
