import { describe, expect, it } from 'vitest'
import { sameKey, urlBase64ToUint8Array } from '@/kernel/push/base64'
import { guessDeviceName, platformState, type PushPlatform } from './platform'

const desktop: PushPlatform = { serviceWorker: true, pushManager: true, notification: true, permission: 'default', ios: false, standalone: false }

describe('platformState', () => {
  it('says what the browser allows', () => {
    expect(platformState(desktop)).toBeNull()
    expect(platformState({ ...desktop, permission: 'denied' })).toBe('denied')
    expect(platformState({ ...desktop, pushManager: false })).toBe('unsupported')
    expect(platformState({ ...desktop, serviceWorker: false })).toBe('unsupported')
  })

  it('iOS needs the installed app (Safari in a tab has no PushManager)', () => {
    expect(platformState({ ...desktop, ios: true, pushManager: false, notification: false })).toBe('ios-needs-install')
    expect(platformState({ ...desktop, ios: true, standalone: true })).toBeNull()
  })
})

describe('guessDeviceName', () => {
  it('names the browser and the system', () => {
    expect(guessDeviceName('Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36')).toBe('Chrome on Android')
    expect(guessDeviceName('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1')).toBe('Safari on iPhone')
    expect(guessDeviceName('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0')).toBe('Edge on Windows')
  })
})

describe('urlBase64ToUint8Array', () => {
  it('decodes a URL-safe key without padding', () => {
    const bytes = urlBase64ToUint8Array('-_8')
    expect([...bytes]).toEqual([0xfb, 0xff])
    expect(sameKey(bytes.buffer, bytes)).toBe(true)
    expect(sameKey(new Uint8Array([1, 2]), bytes)).toBe(false)
    expect(sameKey(null, bytes)).toBe(false)
  })
})
