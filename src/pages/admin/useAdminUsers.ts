import { computed, ref } from 'vue'
import type { AdminUser } from '@/kernel/contract'
import { adminApi, toAdminError, type NewUser, type UserPatch } from './adminApi'
import { onFrame } from '@/shared/realtime/frames'

// Shared by the whole admin area (one lazy chunk), so both screens see the same list.
const users = ref<AdminUser[]>([])
const loading = ref(false)
const loadError = ref('')
const meId = ref<string | null>(null)

const byName = (a: AdminUser, b: AdminUser) => a.displayName.localeCompare(b.displayName, undefined, { sensitivity: 'base' })

function put(user: AdminUser) {
  const i = users.value.findIndex((u) => u.id === user.id)
  const next = [...users.value]
  if (i >= 0) next[i] = user
  else next.push(user)
  users.value = next.sort(byName)
}

// The socket's `user` frames keep presence live (e.g. an agent set Away for missed offers).
onFrame('user', (u) => {
  const i = users.value.findIndex((x) => x.id === u.id)
  if (i < 0) return
  const next = [...users.value]
  next[i] = { ...next[i]!, presence: u.presence, awayReason: u.awayReason, awaySince: u.awaySince }
  users.value = next
})

/** Agents and admins: the list, and creating and changing them. */
export function useAdminUsers() {
  async function load() {
    loading.value = true
    loadError.value = ''
    try {
      const [list, me] = await Promise.all([adminApi.listUsers(), adminApi.me().catch(() => null)])
      users.value = [...list].sort(byName)
      if (me) meId.value = me.id
    } catch (err) {
      loadError.value = (await toAdminError(err)).message
    } finally {
      loading.value = false
    }
  }

  async function create(body: NewUser): Promise<AdminUser> {
    const user = await adminApi.createUser(body)
    put(user)
    return user
  }

  async function update(id: string, patch: UserPatch): Promise<AdminUser> {
    const user = await adminApi.updateUser(id, patch)
    put(user)
    return user
  }

  /** Deactivates (sessions, devices and open chats go with it); how many chats went back to their queues. */
  async function deactivate(id: string): Promise<{ user: AdminUser; returnedConversations: number }> {
    const result = await adminApi.deactivateUser(id)
    put(result.user)
    return result
  }

  return { users: computed(() => users.value), loading, loadError, meId: computed(() => meId.value), load, create, update, deactivate }
}
