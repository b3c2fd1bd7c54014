import type { WorkSettings } from '@/kernel/contract'

/** How long a customer has waited, against the admin's thresholds. */
export type WaitingLevel = 'ok' | 'warn' | 'urgent'

/** Whole minutes since `since` (epoch ms) at `now`, never negative (clocks may disagree a little). */
export function waitingMinutes(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / 60_000))
}

/**
 * The colour step of a wait: `urgent` from `waitUrgentMinutes`, `warn` from `waitWarnMinutes`,
 * else `ok`. Thresholds are in minutes and count from the full minute (2 min warns at 2:00).
 */
export function waitingLevel(since: number, now: number, work: Pick<WorkSettings, 'waitWarnMinutes' | 'waitUrgentMinutes'>): WaitingLevel {
  const minutes = (now - since) / 60_000
  if (minutes >= work.waitUrgentMinutes) return 'urgent'
  if (minutes >= work.waitWarnMinutes) return 'warn'
  return 'ok'
}
