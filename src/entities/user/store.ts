import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { User } from '@/kernel/contract'
import { ApiError, isApiError, isNetworkError } from '@/kernel/http/errors'
import { completePendingSignOut, recordSignOut, type SignOutState } from '@/kernel/account/signOut'
import { lazyBatchSender, sendLater } from '@/kernel/outbox/lazy'
import { isChannelMessage, OUTBOX_CHANNEL } from '@/kernel/messages'
import * as api from './api'
import { applyUserLocale, i18n } from '@/shared/i18n'

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

/** Who is signed in. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  /** Who is signed in is known for this start: the server answered, or a remembered user stands in meanwhile. */
  const checked = ref(false)
  /** The server's GET /api/auth/me has answered (or failed) once this start. */
  const verified = ref(false)
  const isSignedIn = computed(() => user.value !== null)
  let pending: Promise<User | null> | null = null
  /**
   * I signed out but the server has not heard it yet (offline): the session still exists there.
   * The sign-in page says so; it completes by itself when the network is back.
   */
  const signOutPending = ref(false)

  function setUser(u: User | null) {
    user.value = u
    writeLastUser(u)
    // The language chosen on any device: this one starts in it next time, and switches now.
    if (u) applyUserLocale(u.locale)
  }

  /** The server's answer to GET /api/auth/me for this start (or the sign-out it completed first). */
  function verify(): Promise<User | null> {
    pending ??= completeSignOut()
      .then((state) => {
        // A sign-out waits for (or just reached) the server: this device is signed out either way.
        if (state !== 'none') throw new ApiError(401, 'signed_out', 'Signed out')
        return api.fetchMe()
      })
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
        verified.value = true
        pending = null
      })
    return pending
  }

  /**
   * Who is signed in, asked of the server once per start. Offline, the last known user is trusted
   * until it answers. With `wait: false` (the agent pages) and a user remembered on this device,
   * that user is answered at once and the server is asked meanwhile: the first screen paints from
   * the offline copy without waiting for the network, and a 401 still ends in sign-in (`user`
   * becomes null, which the agent layout watches).
   */
  function ensureChecked(opts: { wait?: boolean } = {}): Promise<User | null> {
    if (checked.value) return Promise.resolve(user.value)
    const remembered = opts.wait === false ? readLastUser() : null
    const answer = verify()
    if (!remembered) return answer
    user.value = remembered
    checked.value = true
    return Promise.resolve(remembered)
  }

  async function signIn(username: string, password: string): Promise<User> {
    // The previous session on this device ends first (a sign-out made offline).
    if ((await completeSignOut()) === 'pending') throw new ApiError(0, 'network', i18n.global.t('errors.network'))
    const u = await api.login(username, password)
    setUser(u)
    checked.value = true
    return u
  }

  /** Completes a recorded sign-out, if any, and keeps `signOutPending` up to date. */
  async function completeSignOut(): Promise<SignOutState> {
    const state = await completePendingSignOut({ send: sendLater, batch: lazyBatchSender })
    signOutPending.value = state === 'pending'
    return state
  }

  /**
   * Sign out: recorded on this device first (so it reaches the server even if that is only
   * possible later: see kernel/account/signOut.ts), then this device forgets the user at once.
   * Resolves 'done' when the server has ended the session, 'pending' when it will when online.
   * `deviceId`: this device's push registration, removed on the server with the session.
   */
  async function signOut(deviceId: string | null = null): Promise<SignOutState> {
    const recorded = await recordSignOut({ at: Date.now(), deviceId })
    if (!recorded) {
      // No storage at all here: the server must hear it now, or the agent is told it did not.
      await api.logout().catch((e: unknown) => {
        if (!(isApiError(e) && e.status === 401)) throw e
      })
    }
    setUser(null)
    checked.value = true
    return recorded ? completeSignOut() : 'done'
  }

  /**
   * Change my presence or notification setting: shown once the server answered (offline it is
   * refused with a sentence saying so, and the current value stays).
   */
  async function update(patch: api.MePatch): Promise<User> {
    // Not shown before the server has it (presence decides who gets offered chats).
    try {
      const u = await api.updateMe(patch)
      setUser(u)
      return u
    } catch (e) {
      if (isNetworkError(e)) throw new ApiError(0, 'offline_nothing_changed', i18n.global.t('errors.offlineNothingChanged'))
      throw e
    }
  }

  /** The server's `user` frame about me (presence set on another device, or Away for missed offers). */
  function applyUser(u: User) {
    if (user.value && u.id === user.value.id) setUser(u)
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

  // Back online (or the service worker completed it): finish a pending sign-out.
  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => {
      if (signOutPending.value) void completeSignOut()
    })
    if (typeof BroadcastChannel === 'function') {
      new BroadcastChannel(OUTBOX_CHANNEL).onmessage = (e: MessageEvent) => {
        if (isChannelMessage(e.data) && e.data.type === 'signout-completed') signOutPending.value = false
      }
    }
  }

  return { user, checked, verified, isSignedIn, signOutPending, ensureChecked, signIn, signOut, update, refresh, expire, applyUser }
})
