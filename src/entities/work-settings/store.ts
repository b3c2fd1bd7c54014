import { defineStore } from 'pinia'
import { ref } from 'vue'
import { apiJson } from '@/kernel/http/client'
import type { WorkSettings } from '@/kernel/contract'

/** The server's defaults, used until the settings are read (or when they can't be). */
export const DEFAULT_WORK_SETTINGS: WorkSettings = { missedOffersAway: 2, waitWarnMinutes: 2, waitUrgentMinutes: 5 }

/**
 * The admin's work settings (waiting-time thresholds, missed offers before Away): read at start
 * and after each socket `ready` (the server sends no change frames); `save` is the admin's PUT.
 */
export const useWorkSettingsStore = defineStore('workSettings', () => {
  const work = ref<WorkSettings>({ ...DEFAULT_WORK_SETTINGS })
  const loaded = ref(false)

  /** Reads GET /api/settings/work; on failure the last known (or default) values stay. */
  async function load(): Promise<WorkSettings> {
    const res = await apiJson<{ work: WorkSettings }>('GET', 'settings/work')
    work.value = res.work
    loaded.value = true
    return res.work
  }

  /** Admins: PUT /api/admin/settings/work (the full settings). Throws ApiError (400 when urgent ≤ warn). */
  async function save(next: WorkSettings): Promise<WorkSettings> {
    const res = await apiJson<{ work: WorkSettings }>('PUT', 'admin/settings/work', { json: next })
    work.value = res.work
    return res.work
  }

  return { work, loaded, load, save }
})
