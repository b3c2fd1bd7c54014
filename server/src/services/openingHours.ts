import type { OpeningHours } from '../api-types.js'

/**
 * A queue's opening hours (issue 15, point 2): a week of intervals in one IANA time zone.
 * `week[0]` is Monday … `week[6]` Sunday; an empty day is closed. Times are "HH:MM" wall-clock
 * times in `timeZone` ("24:00" ends a day). Computed with the runtime's Intl (full ICU in Node),
 * so daylight-saving changes follow the zone's rules; a wall time skipped by a DST jump opens at
 * the first instant after the jump.
 */

/** Minutes since midnight of "HH:MM" (00:00–24:00). */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** Whether `tz` is a time zone this runtime knows (IANA name, e.g. "Europe/Berlin"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/**
 * Checks an admin's hours beyond the schema: a known zone, and each day's intervals start before
 * they end and do not overlap. @returns a sentence saying what is wrong, or null
 */
export function hoursProblem(h: OpeningHours): string | null {
  if (!isTimeZone(h.timeZone)) return `Unknown time zone: ${h.timeZone}`
  for (const day of h.week) {
    const sorted = [...day].sort((a, b) => minutesOf(a.from) - minutesOf(b.from))
    let end = -1
    for (const i of sorted) {
      const from = minutesOf(i.from)
      const to = minutesOf(i.to)
      if (from >= to) return `An interval must start before it ends (${i.from}–${i.to})`
      if (from < end) return 'Intervals of one day must not overlap'
      end = to
    }
  }
  return null
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    })
    formatters.set(tz, f)
  }
  return f
}

/** The wall-clock date and time at `ms` in `tz`. */
function wall(ms: number, tz: string): { y: number; m: number; d: number; minutes: number } {
  const parts: Record<string, number> = {}
  for (const p of formatter(tz).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  return { y: parts.year!, m: parts.month!, d: parts.day!, minutes: (parts.hour! % 24) * 60 + parts.minute! }
}

/** The zone's offset from UTC at `ms`, in ms (whole minutes). */
function offsetAt(ms: number, tz: string): number {
  const w = wall(ms, tz)
  return Date.UTC(w.y, w.m - 1, w.d, 0, w.minutes) - Math.floor(ms / 60_000) * 60_000
}

/** The instant of a wall-clock time in `tz` (day may overflow; Date.UTC normalises it). */
function instantOf(y: number, m: number, d: number, minutes: number, tz: string): number {
  const guess = Date.UTC(y, m - 1, d, 0, minutes)
  const first = guess - offsetAt(guess, tz)
  const second = guess - offsetAt(first, tz)
  return Math.max(first, second)
}

/** Monday = 0 … Sunday = 6 of a calendar date. */
const weekdayOf = (y: number, m: number, d: number) => (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7

export interface HoursState {
  /** Open now (always true without hours). */
  open: boolean
  /** When closed: the next opening (epoch ms), or null when no day of the week opens. */
  opensAt: number | null
}

/** Whether a queue with these hours is open at `now`, and when it opens next if not. */
export function hoursState(h: OpeningHours | null, now = Date.now()): HoursState {
  if (!h) return { open: true, opensAt: null }
  const today = wall(now, h.timeZone)
  // Yesterday too: an interval ending at 24:00 is covered by its own day, so one day back suffices
  // only for safety around DST; then a week and a day ahead for the next opening.
  let opensAt: number | null = null
  for (let k = -1; k <= 8 && opensAt === null; k++) {
    const date = new Date(Date.UTC(today.y, today.m - 1, today.d + k))
    const y = date.getUTCFullYear()
    const m = date.getUTCMonth() + 1
    const d = date.getUTCDate()
    const intervals = [...(h.week[weekdayOf(y, m, d)] ?? [])].sort((a, b) => minutesOf(a.from) - minutesOf(b.from))
    for (const i of intervals) {
      const from = instantOf(y, m, d, minutesOf(i.from), h.timeZone)
      const to = instantOf(y, m, d, minutesOf(i.to), h.timeZone)
      if (from <= now && now < to) return { open: true, opensAt: null }
      if (from > now) {
        opensAt = from
        break
      }
    }
  }
  return { open: false, opensAt }
}
