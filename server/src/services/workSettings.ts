// The admin's settings of the agent's day (issue 14, points 5 and 6), kept in `settings`.
import type { Kysely } from 'kysely'
import type { WorkSettings } from '../api-types.js'
import type { DB } from '../db/schema.js'
import { getSetting, putSetting } from '../db/repositories/settings.js'
import { HttpError } from './errors.js'

export const DEFAULT_WORK_SETTINGS: WorkSettings = { missedOffersAway: 2, waitWarnMinutes: 2, waitUrgentMinutes: 5 }

const KEY = 'work_settings'

/** The current settings (defaults for what was never set). */
export async function getWorkSettings(db: Kysely<DB>): Promise<WorkSettings> {
  return { ...DEFAULT_WORK_SETTINGS, ...(await getSetting<Partial<WorkSettings>>(db, KEY)) }
}

/**
 * Replaces the settings (the route's schema checks each field's range).
 * @throws 400 bad_request when the urgent threshold is not above the warning one
 */
export async function setWorkSettings(db: Kysely<DB>, s: WorkSettings): Promise<WorkSettings> {
  if (s.waitUrgentMinutes <= s.waitWarnMinutes) throw new HttpError(400, 'bad_request', 'The urgent waiting time must be longer than the warning one')
  const clean: WorkSettings = { missedOffersAway: s.missedOffersAway, waitWarnMinutes: s.waitWarnMinutes, waitUrgentMinutes: s.waitUrgentMinutes }
  await putSetting(db, KEY, clean)
  return clean
}
