import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PushPref } from '@/kernel/push/prefs'

// The browser, the server and the settings store, faked.
let stored: PushPref | undefined
const api = { devices: [] as { id: string; name: string }[], posted: [] as unknown[], deleted: [] as string[], postError: null as Error | null }
vi.mock('@/kernel/push/prefs', () => ({
  loadPushPref: async () => stored,
  savePushPref: async (p: PushPref) => {
    stored = p
  },
}))
vi.mock('@/kernel/http/client', () => ({
  apiJson: async (method: string, path: string, opts?: { json?: unknown }) => {
    if (path === 'push/devices' && method === 'GET') return { devices: api.devices, maxDevices: 3 }
    if (path === 'push/key') return { publicKey: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM' }
    if (path === 'push/devices' && method === 'POST') {
      if (api.postError) throw api.postError
      api.posted.push(opts?.json)
      api.devices = [...api.devices, { id: 'dev-new', name: (opts?.json as { name: string }).name }]
      return { device: { id: 'dev-new' } }
    }
    if (path === 'push/test') return { sent: 2 }
    throw new Error(`unexpected ${method} ${path}`)
  },
  apiVoid: async (method: string, path: string) => {
    api.deleted.push(`${method} ${path}`)
  },
}))

let subscription: { endpoint: string; options: { applicationServerKey: ArrayBuffer | null }; toJSON(): unknown; unsubscribe(): Promise<boolean> } | null
const requestPermission = vi.fn<() => Promise<NotificationPermission>>()
const fakeNotification = { permission: 'default' as NotificationPermission, requestPermission }

function makeSub(key: Uint8Array) {
  const sub = {
    endpoint: 'https://push.example/1',
    options: { applicationServerKey: key.slice().buffer },
    toJSON: () => ({ endpoint: sub.endpoint, keys: { p256dh: 'p', auth: 'a' } }),
    unsubscribe: async () => {
      subscription = null
      return true
    },
  }
  return sub
}

const registration = {
  active: {},
  pushManager: {
    getSubscription: async () => subscription,
    subscribe: vi.fn(async (opts: { applicationServerKey: Uint8Array }) => (subscription = makeSub(opts.applicationServerKey))),
  },
}

beforeEach(() => {
  vi.resetModules()
  stored = undefined
  subscription = null
  api.devices = []
  api.posted = []
  api.deleted = []
  api.postError = null
  fakeNotification.permission = 'default'
  requestPermission.mockReset()
  vi.stubGlobal('Notification', fakeNotification)
  vi.stubGlobal('window', { PushManager: class {}, Notification: fakeNotification })
  vi.stubGlobal('navigator', {
    userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile',
    maxTouchPoints: 5,
    serviceWorker: { getRegistration: async () => registration, ready: Promise.resolve(registration) },
  })
  vi.stubGlobal('matchMedia', () => ({ matches: false }))
})
afterEach(() => {
  vi.unstubAllGlobals()
})

const load = async () => {
  // resetModules gave this test a fresh i18n instance: give it the English messages again.
  await import('@/shared/i18n/testSetup')
  return (await import('./usePushNotifications')).usePushNotifications()
}

describe('usePushNotifications', () => {
  it('never asks for permission on load; off until enabled', async () => {
    const push = await load()
    await push.refresh()
    expect(push.state.value).toBe('off')
    expect(push.notice.value).toBeNull()
    expect(requestPermission).not.toHaveBeenCalled()
  })

  it('enable asks, subscribes with the server key, registers the device and remembers it', async () => {
    requestPermission.mockImplementation(async () => (fakeNotification.permission = 'granted'))
    const push = await load()
    expect(await push.enable('Work phone')).toBe(true)
    expect(requestPermission).toHaveBeenCalledOnce()
    expect(push.state.value).toBe('on')
    expect(api.posted).toEqual([{ name: 'Work phone', subscription: { endpoint: 'https://push.example/1', keys: { p256dh: 'p', auth: 'a' } } }])
    expect(stored).toEqual({ enabled: true, deviceId: 'dev-new', deviceName: 'Work phone' })
    expect(push.deviceId.value).toBe('dev-new')
    const { currentDeviceId } = await import('./usePushNotifications')
    expect(await currentDeviceId()).toBe('dev-new')
  })

  it('a refused permission shows "denied"', async () => {
    requestPermission.mockImplementation(async () => (fakeNotification.permission = 'denied'))
    const push = await load()
    expect(await push.enable('x')).toBe(false)
    expect(push.state.value).toBe('denied')
  })

  it('the device limit is shown and the subscription dropped', async () => {
    fakeNotification.permission = 'granted'
    const { ApiError } = await import('@/kernel/http/errors') // the module instance the composable sees
    api.postError = new ApiError(409, 'device_limit', 'You can get notifications on at most 3 devices. Remove one in Settings first.')
    const push = await load()
    expect(await push.enable('Fourth')).toBe(false)
    expect(push.error.value).toBe('You can get notifications on at most 3 devices. Remove one in Settings first.')
    expect(subscription).toBeNull()
    expect(push.state.value).toBe('off')
  })

  it('notices a permission withdrawn in the browser settings', async () => {
    stored = { enabled: true, deviceId: 'dev-1', deviceName: 'Phone' }
    fakeNotification.permission = 'denied'
    const push = await load()
    await push.refresh()
    expect(push.state.value).toBe('denied')
    expect(push.notice.value).toBe('Notifications were turned off in the browser settings.')
  })

  it('notices a subscription that is gone (permission reset to "ask")', async () => {
    stored = { enabled: true, deviceId: 'dev-1', deviceName: 'Phone' }
    api.devices = [{ id: 'dev-1', name: 'Phone' }]
    const push = await load()
    await push.refresh()
    expect(push.state.value).toBe('off')
    expect(push.notice.value).toBe('Notifications were turned off in the browser settings.')
  })

  it('is on when preference, permission, subscription and server agree; disable undoes all of it', async () => {
    stored = { enabled: true, deviceId: 'dev-1', deviceName: 'Phone' }
    api.devices = [{ id: 'dev-1', name: 'Phone' }]
    fakeNotification.permission = 'granted'
    subscription = makeSub(new Uint8Array(65))
    const push = await load()
    await push.refresh()
    expect(push.state.value).toBe('on')
    await push.disable()
    expect(api.deleted).toEqual(['DELETE push/devices/dev-1'])
    expect(subscription).toBeNull()
    expect(stored).toMatchObject({ enabled: false, deviceId: null })
    expect(push.state.value).toBe('off')
  })

  it('says so when an admin (or another device) removed this one', async () => {
    stored = { enabled: true, deviceId: 'dev-1', deviceName: 'Phone' }
    fakeNotification.permission = 'granted'
    subscription = makeSub(new Uint8Array(65))
    const push = await load()
    await push.refresh()
    expect(push.state.value).toBe('off')
    expect(push.notice.value).toMatch(/removed/)
  })

  it('iOS Safari in a tab needs the app installed', async () => {
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1', maxTouchPoints: 5, standalone: false, serviceWorker: {} })
    vi.stubGlobal('window', {})
    const push = await load()
    await push.refresh()
    expect(push.state.value).toBe('ios-needs-install')
  })
})
