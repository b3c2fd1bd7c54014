// What this device remembers about its push subscription. Kept in the IndexedDB settings store,
// which the service worker reads too (it re-subscribes on its own when the browser rotates the
// subscription). Relative imports: the service worker build has no '@' alias.
import { getSetting, setSetting } from '../db'

export const PUSH_PREF_KEY = 'push'

export interface PushPref {
  /** The agent turned notifications on here (so a withdrawn permission can be noticed). */
  enabled: boolean
  /** This device's id on the server (for the 'viewing' frame and for removing it). */
  deviceId: string | null
  deviceName: string
}

export async function loadPushPref(): Promise<PushPref | undefined> {
  try {
    const v = await getSetting<PushPref>(PUSH_PREF_KEY)
    return v && typeof v === 'object' ? v : undefined
  } catch {
    return undefined
  }
}

export async function savePushPref(pref: PushPref): Promise<void> {
  await setSetting(PUSH_PREF_KEY, pref)
}
