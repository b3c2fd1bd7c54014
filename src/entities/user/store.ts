import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { User } from '@/kernel/contract'
import { isApiError } from '@/kernel/http/errors'
import * as api from './api'

const LAST_USER_KEY = 'parley.lastUser'

function readLastUser(): User | null {
  try {
    const raw = localStorage.getItem(LAST_USER_KEY)
    return raw ? (JSON.parse(raw) as User) : null
  } catch {
    return null
  }
}

function writeLastUser(user: User | null) {
  try {
    if (user) localStorage.setItem(LAST_USER_KEY, JSON.stringify(user))
    else localStorage.removeItem(LAST_USER_KEY)
  } catch {
    // storage unavailable (private mode): nothing to remember
  }
}

function pickFields(from: User, patch: api.MePatch): api.MePatch {
  const out: api.MePatch = {}
  if ('presence' in patch) out.presence = from.presence
  if ('notifyMessages' in patch) out.notifyMessages = from.notifyMessages
  return out
}

/** Who is signed in. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  /** GET /api/auth/me has answered (or failed) once. */
  const checked = ref(false)
  const isSignedIn = computed(() => user.value !== null)
  let pending: Promise<User | null> | null = null

  function setUser(u: User | null) {
    user.value = u
    writeLastUser(u)
  }

  /** Asks the server once per start; offline, the last known user is trusted until it answers. */
  function ensureChecked(): Promise<User | null> {
    if (checked.value) return Promise.resolve(user.value)
    pending ??= api
      .fetchMe()
      .then((u) => {
        setUser(u)
        return u
      })
      .catch((e: unknown) => {
        if (isApiError(e) && e.status === 401) setUser(null)
        else user.value = readLastUser()
        return user.value
      })
      .finally(() => {
        checked.value = true
        pending = null
      })
    return pending
  }

  async function signIn(username: string, password: string): Promise<User> {
    const u = await api.login(username, password)
    setUser(u)
    checked.value = true
    return u
  }

  async function signOut(): Promise<void> {
    try {
      await api.logout()
    } finally {
      setUser(null)
      checked.value = true
    }
  }

  /**
   * Change my presence or notification setting: shown at once, then the server's answer is kept
   * (on failure the previous value comes back and the error is thrown).
   */
  async function update(patch: api.MePatch): Promise<User> {
    const before = user.value
    if (before) user.value = { ...before, ...patch }
    try {
      const u = await api.updateMe(patch)
      setUser(u)
      return u
    } catch (e) {
      if (before && user.value) user.value = { ...user.value, ...pickFields(before, patch) }
      throw e
    }
  }

  /** Ask the server again (what another device changed). */
  async function refresh(): Promise<User | null> {
    const u = await api.fetchMe()
    setUser(u)
    return u
  }

  /** The server said 401: the session is gone. */
  function expire() {
    setUser(null)
    checked.value = true
  }

  return { user, checked, isSignedIn, ensureChecked, signIn, signOut, update, refresh, expire }
})
