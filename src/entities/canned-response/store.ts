import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CannedResponse } from '@/kernel/contract'
import { deleteSetting, getSetting, setSetting } from '@/kernel/db'
import { isApiError } from '@/kernel/http/errors'
import { onSignOutReset } from '@/entities/user/resets'
import { useSessionStore } from '@/entities/user/store'
import * as api from './api'

const keyFor = (userId: string) => `cannedResponses:${userId}`
let lastKey: string | null = null

/**
 * The canned responses I may use, with a local copy in IndexedDB (the `settings` store, keyed by
 * user) for offline use: `load` shows the copy first, then the server's list. `offline` is true
 * while the list shown is the copy because the server could not be reached.
 */
export const useCannedStore = defineStore('cannedResponses', () => {
  const session = useSessionStore()
  const items = ref<CannedResponse[]>([])
  const loaded = ref(false)
  const offline = ref(false)

  async function readCopy(key: string) {
    const copy = await getSetting<CannedResponse[]>(key).catch(() => undefined)
    if (copy && !loaded.value) items.value = copy
  }

  /** The copy (bounded IndexedDB read), then the server's list; never rejects. */
  async function load(): Promise<void> {
    const userId = session.user?.id
    if (!userId) return
    const key = keyFor(userId)
    lastKey = key
    if (!items.value.length) await readCopy(key)
    try {
      const list = await api.listCanned()
      items.value = list
      loaded.value = true
      offline.value = false
      await setSetting(key, list).catch(() => undefined)
    } catch (e) {
      offline.value = isApiError(e) && e.isNetwork
    }
  }

  /** After a change in Settings: write it into the list and the copy. */
  function put(c: CannedResponse) {
    const next = items.value.filter((x) => x.id !== c.id)
    next.push(c)
    items.value = next.sort((a, b) => a.title.localeCompare(b.title))
    void persist()
  }

  function drop(id: string) {
    items.value = items.value.filter((x) => x.id !== id)
    void persist()
  }

  async function persist() {
    const userId = session.user?.id
    if (userId) await setSetting(keyFor(userId), items.value).catch(() => undefined)
  }

  function reset() {
    items.value = []
    loaded.value = false
    offline.value = false
  }

  return { items, loaded, offline, load, put, drop, reset }
})

// Sign-out: the personal ones are this agent's: forget the list and its copy.
onSignOutReset(() => {
  if (lastKey) void deleteSetting(lastKey).catch(() => undefined)
  lastKey = null
  try {
    useCannedStore().reset()
  } catch {
    // no active Pinia (tests): nothing held
  }
})
