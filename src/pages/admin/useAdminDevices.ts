import { computed, ref } from 'vue'
import type { PushDevice, PushRules } from '@/kernel/contract'
import { adminApi, toAdminError } from './adminApi'

// Module state, like the other admin lists: coming back to the screen shows the last list at once.
const devices = ref<PushDevice[]>([])
const rules = ref<PushRules | null>(null)
const loading = ref(false)
const loadError = ref('')

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })
// By person, then by device name, then oldest first (two phones can share a name).
const byUser = (a: PushDevice, b: PushDevice) =>
  collator.compare(a.userName, b.userName) || collator.compare(a.name, b.name) || a.createdAt - b.createdAt

/** Push-notification devices (list, block / unblock, delete) and the push settings. */
export function useAdminDevices() {
  async function load() {
    loading.value = true
    loadError.value = ''
    try {
      const [list, push] = await Promise.all([adminApi.listDevices(), adminApi.getPushRules()])
      devices.value = [...list].sort(byUser)
      rules.value = push
    } catch (err) {
      loadError.value = (await toAdminError(err)).message
    } finally {
      loading.value = false
    }
  }

  async function setBlocked(id: string, blocked: boolean): Promise<PushDevice> {
    const device = await adminApi.updateDevice(id, { blocked })
    devices.value = devices.value.map((d) => (d.id === id ? device : d))
    return device
  }

  async function remove(id: string): Promise<void> {
    try {
      await adminApi.deleteDevice(id)
    } catch (err) {
      // Already gone (another admin, or the person turned it off): the list is what matters.
      if (!(err instanceof Error && 'status' in err && err.status === 404)) throw err
    }
    devices.value = devices.value.filter((d) => d.id !== id)
  }

  async function saveRules(next: PushRules): Promise<PushRules> {
    const saved = await adminApi.savePushRules(next)
    rules.value = saved
    return saved
  }

  return {
    devices: computed(() => devices.value),
    rules: computed(() => rules.value),
    loading,
    loadError,
    load,
    setBlocked,
    remove,
    saveRules,
  }
}
