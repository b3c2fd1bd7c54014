import { describe, expect, it } from 'vitest'
import type { PushPref } from '../kernel/push/prefs'
import { resubscribe, type ResubscribeEnv } from './subscription'

const KEY = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM'

function fakeSub(endpoint: string) {
  return { endpoint, options: { applicationServerKey: null }, toJSON: () => ({ endpoint, keys: { p256dh: 'p', auth: 'a' } }) } as unknown as PushSubscription
}

function fakeEnv(pref: PushPref | undefined) {
  const calls = { fetched: [] as [string, string | undefined, unknown][], subscribedWith: null as unknown, saved: null as PushPref | null }
  const env: ResubscribeEnv = {
    pushManager: {
      subscribe: async (opts) => {
        calls.subscribedWith = opts
        return fakeSub('https://push.example/new')
      },
    },
    fetch: async (url, init) => {
      calls.fetched.push([url, init?.method, init?.body ? JSON.parse(String(init.body)) : undefined])
      if (url === '/api/push/key') return { ok: true, status: 200, json: async () => ({ publicKey: KEY }) }
      if (url === '/api/push/devices') return { ok: true, status: 201, json: async () => ({ device: { id: 'dev-2' } }) }
      return { ok: true, status: 204, json: async () => ({}) }
    },
    loadPref: async () => pref,
    savePref: async (p) => {
      calls.saved = p
    },
  }
  return { env, calls }
}

describe('pushsubscriptionchange', () => {
  it('subscribes again with the server key, replaces the old device under its name', async () => {
    const { env, calls } = fakeEnv({ enabled: true, deviceId: 'dev-1', deviceName: 'Work phone' })
    expect(await resubscribe(env, null, null)).toBe(true)
    expect((calls.subscribedWith as { userVisibleOnly: boolean; applicationServerKey: Uint8Array }).userVisibleOnly).toBe(true)
    expect((calls.subscribedWith as { applicationServerKey: Uint8Array }).applicationServerKey).toHaveLength(65)
    expect(calls.fetched.map(([u, m]) => `${m ?? 'GET'} ${u}`)).toEqual(['GET /api/push/key', 'DELETE /api/push/devices/dev-1', 'POST /api/push/devices'])
    expect(calls.fetched[1]![2]).toEqual({}) // JSON even with nothing to say: the server takes state-changing requests as JSON only
    expect(calls.fetched[2]![2]).toEqual({ name: 'Work phone', subscription: { endpoint: 'https://push.example/new', keys: { p256dh: 'p', auth: 'a' } } })
    expect(calls.saved).toEqual({ enabled: true, deviceId: 'dev-2', deviceName: 'Work phone' })
  })

  it('uses the subscription the browser made, named "This device" when nothing is remembered', async () => {
    const { env, calls } = fakeEnv(undefined)
    await resubscribe(env, null, fakeSub('https://push.example/given'))
    expect(calls.subscribedWith).toBeNull()
    expect(calls.fetched.map(([u]) => u)).toEqual(['/api/push/devices'])
    expect((calls.fetched[0]![2] as { name: string }).name).toBe('This device')
  })

  it('does nothing when the agent turned notifications off here', async () => {
    const { env, calls } = fakeEnv({ enabled: false, deviceId: null, deviceName: 'x' })
    expect(await resubscribe(env, null, null)).toBe(false)
    expect(calls.fetched).toEqual([])
  })
})
