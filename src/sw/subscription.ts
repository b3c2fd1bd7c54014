import { jsonInit } from '../kernel/http/client'
import { urlBase64ToUint8Array } from '../kernel/push/base64'
import type { PushPref } from '../kernel/push/prefs'

export interface ResubscribeEnv {
  pushManager: Pick<PushManager, 'subscribe'>
  fetch(url: string, init?: RequestInit): Promise<Pick<Response, 'ok' | 'status' | 'json'>>
  loadPref(): Promise<PushPref | undefined>
  savePref(pref: PushPref): Promise<void>
}

/**
 * The browser replaced or dropped the subscription: subscribe again with the same key and tell
 * the server, under the device's old name. The old record goes first so the device limit isn't hit.
 */
export async function resubscribe(env: ResubscribeEnv, oldSub: PushSubscription | null, newSub: PushSubscription | null): Promise<boolean> {
  const pref = await env.loadPref()
  if (pref && !pref.enabled) return false // the agent turned them off here
  let sub = newSub
  if (!sub) {
    let key: BufferSource | null = oldSub?.options.applicationServerKey ?? null
    if (!key) {
      const res = await env.fetch('/api/push/key', { credentials: 'include' })
      if (!res.ok) return false
      key = urlBase64ToUint8Array(((await res.json()) as { publicKey: string }).publicKey)
    }
    sub = await env.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
  }
  const name = pref?.deviceName || 'This device'
  if (pref?.deviceId) {
    await env.fetch(`/api/push/devices/${encodeURIComponent(pref.deviceId)}`, jsonInit('DELETE')).catch(() => undefined)
  }
  const res = await env.fetch('/api/push/devices', jsonInit('POST', { name, subscription: sub.toJSON() }))
  if (!res.ok) {
    await env.savePref({ enabled: true, deviceId: null, deviceName: name })
    return false
  }
  const { device } = (await res.json()) as { device: { id: string } }
  await env.savePref({ enabled: true, deviceId: device.id, deviceName: name })
  return true
}
