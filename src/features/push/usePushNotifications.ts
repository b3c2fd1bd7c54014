import { readonly, ref, shallowRef } from 'vue'
import type { PushDevice } from '@/kernel/contract'
import { apiJson, apiVoid } from '@/kernel/http/client'
import { isApiError, isNetworkError } from '@/kernel/http/errors'
import { i18n } from '@/shared/i18n'
import { errorText } from '@/shared/i18n/errors'
import { sameKey, urlBase64ToUint8Array } from '@/kernel/push/base64'
import { platformState, readPlatform, type PushState } from './platform'
import { loadPushPref, savePushPref, type PushPref } from '@/kernel/push/prefs'
import { cutText, TEXT_LIMITS, UNITS_PER_GRAPHEME } from '@/kernel/text'

export type { PushState } from './platform'

const t = i18n.global.t

// One state for the whole app: the Settings section and the runtime's 'viewing' frame agree.
const state = ref<PushState>('off')
/** Something the agent should know about the state (e.g. the permission was withdrawn). */
const notice = ref<string | null>(null)
/** The last action failed (the device limit, a refused permission). */
const error = ref<string | null>(null)
/** The last test push: how many devices it went to. */
const testResult = ref<string | null>(null)
const busy = ref(false)
/** A test push is on its way (the server answers once every device was tried). */
const sending = ref(false)
const devices = shallowRef<PushDevice[]>([])
const maxDevices = ref<number | null>(null)
const deviceId = ref<string | null>(null)
let pref: PushPref | undefined
let prefLoaded: Promise<PushPref | undefined> | null = null

function loadPref(): Promise<PushPref | undefined> {
  prefLoaded ??= loadPushPref().then((p) => {
    pref = p
    deviceId.value = p?.enabled ? p.deviceId : null
    return p
  })
  return prefLoaded
}

async function storePref(p: PushPref): Promise<void> {
  pref = p
  prefLoaded = Promise.resolve(p)
  deviceId.value = p.enabled ? p.deviceId : null
  await savePushPref(p).catch(() => undefined)
}

/** This device's push id (for the 'viewing' frame), or null when it gets no pushes. */
export async function currentDeviceId(): Promise<string | null> {
  const p = await loadPref()
  return p?.enabled ? p.deviceId : null
}

/** The registration, if the app's service worker runs (never in dev, not on plain http). */
async function registration(wait = false): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator)) return undefined
  const now = await navigator.serviceWorker.getRegistration()
  if (now?.active || !wait) return now
  return Promise.race([
    navigator.serviceWorker.ready,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000)),
  ])
}

async function loadDevices(): Promise<boolean> {
  try {
    const res = await apiJson<{ devices: PushDevice[]; maxDevices: number }>('GET', 'push/devices')
    devices.value = res.devices
    maxDevices.value = res.maxDevices
    return true
  } catch {
    return false
  }
}

/** Works out the honest state: the preference, the permission and the subscription must agree. */
async function refresh(): Promise<void> {
  const p = await loadPref()
  const blocked = platformState(readPlatform())
  notice.value = null
  if (blocked) {
    state.value = blocked
    if (blocked === 'denied' && p?.enabled) notice.value = t('push.withdrawn')
    if (blocked !== 'denied') return
    await loadDevices()
    return
  }
  const reg = await registration()
  const sub = await reg?.pushManager.getSubscription().catch(() => null)
  const listed = await loadDevices()
  if (!p?.enabled) {
    state.value = 'off'
    return
  }
  if (Notification.permission !== 'granted' || !sub) {
    state.value = 'off'
    notice.value = t('push.withdrawn')
  } else if (listed && !devices.value.some((d) => d.id === p.deviceId)) {
    state.value = 'off'
    notice.value = t('push.removed')
  } else {
    state.value = 'on'
  }
}

/** Turns notifications on for this device. Asks for permission here, never on load. */
async function enable(deviceName: string): Promise<boolean> {
  error.value = null
  testResult.value = null
  // The server's limit, cut between graphemes (never half an emoji).
  const name = cutText(deviceName.trim(), TEXT_LIMITS.deviceName, { ellipsis: '', maxUnits: TEXT_LIMITS.deviceName * UNITS_PER_GRAPHEME }) || t('push.thisDevice')
  busy.value = true
  try {
    // First, while the tap still counts as a user gesture (Safari asks only then).
    const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission()
    if (permission === 'denied') {
      state.value = 'denied'
      return false
    }
    if (permission !== 'granted') {
      error.value = t('push.notAllowed')
      return false
    }
    const reg = await registration(true)
    if (!reg) {
      error.value = t('push.noServiceWorker')
      return false
    }
    const { publicKey } = await apiJson<{ publicKey: string }>('GET', 'push/key')
    const key = urlBase64ToUint8Array(publicKey)
    let sub = await reg.pushManager.getSubscription()
    if (sub && !sameKey(sub.options.applicationServerKey, key)) {
      await sub.unsubscribe() // made for another server key: it would never get a push
      sub = null
    }
    try {
      sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
    } catch {
      error.value = t('push.setupFailed')
      return false
    }
    try {
      const res = await apiJson<{ device: PushDevice }>('POST', 'push/devices', { json: { name, subscription: sub.toJSON() } })
      await storePref({ enabled: true, deviceId: res.device.id, deviceName: name })
    } catch (e) {
      // Refused (the device limit): don't keep a subscription nobody sends to.
      await sub.unsubscribe().catch(() => undefined)
      error.value = errorText(e)
      state.value = 'off'
      return false
    }
    state.value = 'on'
    notice.value = null
    await loadDevices()
    return true
  } catch (e) {
    error.value = errorText(e)
    return false
  } finally {
    busy.value = false
  }
}

/** Resolves with `work`, or with `fallback` after `ms` (the push service may not answer offline). */
const within = <T>(work: Promise<T>, ms: number, fallback: T) =>
  Promise.race([work.catch(() => fallback), new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms))])

async function forgetHere(): Promise<void> {
  const sub = await within((async () => (await registration())?.pushManager.getSubscription() ?? null)(), 3000, null)
  if (sub) await within(sub.unsubscribe(), 3000, false)
  await storePref({ enabled: false, deviceId: null, deviceName: pref?.deviceName ?? '' })
}

/** Offline, removing a device is refused: it would keep getting pushes until the server hears it. */


/**
 * Sign-out: this device stops showing pushes at once (unsubscribed here) and answers its server
 * id, which the recorded sign-out removes on the server (now, or as soon as it is online).
 */
async function forgetThisDevice(): Promise<string | null> {
  const p = await loadPref().catch(() => undefined)
  const id = p?.enabled ? p.deviceId : null
  await forgetHere().catch(() => undefined)
  state.value = 'off'
  notice.value = null
  return id
}

/** Turns notifications off for this device: unsubscribes and removes it on the server. */
async function disable(): Promise<void> {
  error.value = null
  testResult.value = null
  busy.value = true
  try {
    const id = pref?.deviceId
    if (id) {
      await apiVoid('DELETE', `push/devices/${encodeURIComponent(id)}`).catch((e: unknown) => {
        if (!(isApiError(e) && e.status === 404)) throw e
      })
    }
    await forgetHere()
    notice.value = null
    const blocked = platformState(readPlatform())
    state.value = blocked ?? 'off'
    await loadDevices()
  } catch (e) {
    error.value = isNetworkError(e) ? t('push.offlineStaysOn') : errorText(e)
  } finally {
    busy.value = false
  }
}

/** Removes one of my devices (this one too: then it is turned off here). */
async function removeDevice(id: string): Promise<void> {
  error.value = null
  busy.value = true
  try {
    await apiVoid('DELETE', `push/devices/${encodeURIComponent(id)}`).catch((e: unknown) => {
      if (!(isApiError(e) && e.status === 404)) throw e
    })
    if (id === pref?.deviceId) {
      await forgetHere()
      state.value = 'off'
      notice.value = null
    }
    await loadDevices()
  } catch (e) {
    error.value = isNetworkError(e) ? t('push.offlineDeviceStays') : errorText(e)
  } finally {
    busy.value = false
  }
}

/** Asks the server for a test push to every device of mine. */
async function sendTest(): Promise<void> {
  error.value = null
  testResult.value = t('push.sendingTest')
  sending.value = true
  try {
    const { sent } = await apiJson<{ sent: number }>('POST', 'push/test')
    testResult.value = sent === 0
      ? t('push.noDevices')
      : t('push.testSent', sent)
  } catch (e) {
    testResult.value = null
    error.value = errorText(e)
  } finally {
    sending.value = false
  }
}

export function usePushNotifications() {
  return {
    state: readonly(state),
    notice: readonly(notice),
    error: readonly(error),
    testResult: readonly(testResult),
    busy: readonly(busy),
    sending: readonly(sending),
    devices: readonly(devices),
    maxDevices: readonly(maxDevices),
    deviceId: readonly(deviceId),
    refresh,
    enable,
    disable,
    forgetThisDevice,
    removeDevice,
    sendTest,
  }
}
