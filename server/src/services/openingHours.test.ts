import { describe, expect, it } from 'vitest'
import type { OpeningHours } from '../api-types.js'
import { hoursProblem, hoursState } from './openingHours.js'

const weekdays = (from: string, to: string): OpeningHours['week'] => [0, 1, 2, 3, 4].map(() => [{ from, to }]).concat([[], []])

describe('opening hours', () => {
  const berlin: OpeningHours = { timeZone: 'Europe/Berlin', week: weekdays('09:00', '17:00') }

  it('is open inside an interval in the queue zone and closed outside', () => {
    // Wednesday 2026-12-02 10:00 in Berlin (UTC+1) is 09:00 UTC.
    expect(hoursState(berlin, Date.UTC(2026, 11, 2, 9, 0))).toEqual({ open: true, opensAt: null })
    // 16:59 UTC is 17:59 Berlin: closed, opens Thursday 09:00 Berlin = 08:00 UTC.
    expect(hoursState(berlin, Date.UTC(2026, 11, 2, 16, 59))).toEqual({ open: false, opensAt: Date.UTC(2026, 11, 3, 8, 0) })
  })

  it('skips closed days: Friday evening opens on Monday', () => {
    expect(hoursState(berlin, Date.UTC(2026, 11, 4, 19, 0)).opensAt).toBe(Date.UTC(2026, 11, 7, 8, 0))
  })

  it('follows daylight saving time (Berlin is UTC+2 in July)', () => {
    expect(hoursState(berlin, Date.UTC(2026, 6, 1, 6, 30))).toEqual({ open: false, opensAt: Date.UTC(2026, 6, 1, 7, 0) })
  })

  it('a day until 24:00 and zones east of UTC', () => {
    const tokyo: OpeningHours = { timeZone: 'Asia/Tokyo', week: Array.from({ length: 7 }, () => [{ from: '20:00', to: '24:00' }]) }
    expect(hoursState(tokyo, Date.UTC(2026, 11, 2, 14, 59)).open).toBe(true) // 23:59 in Tokyo
    expect(hoursState(tokyo, Date.UTC(2026, 11, 2, 15, 0))).toEqual({ open: false, opensAt: Date.UTC(2026, 11, 3, 11, 0) })
  })

  it('never open: closed with no next opening; no hours: always open', () => {
    expect(hoursState({ timeZone: 'UTC', week: [[], [], [], [], [], [], []] })).toEqual({ open: false, opensAt: null })
    expect(hoursState(null)).toEqual({ open: true, opensAt: null })
  })

  it('refuses unknown zones, reversed and overlapping intervals', () => {
    expect(hoursProblem({ timeZone: 'Mars/Olympus', week: weekdays('09:00', '17:00') })).toMatch(/time zone/)
    expect(hoursProblem({ timeZone: 'UTC', week: weekdays('17:00', '09:00') })).toMatch(/start before/)
    expect(hoursProblem({ timeZone: 'UTC', week: [[{ from: '09:00', to: '12:00' }, { from: '11:00', to: '13:00' }], [], [], [], [], [], []] })).toMatch(/overlap/)
    expect(hoursProblem(berlin)).toBeNull()
  })
})
