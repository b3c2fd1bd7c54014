import { i18n } from '@/shared/i18n'
export type PushState = 'unsupported' | 'ios-needs-install' | 'denied' | 'off' | 'on'

/** What the browser offers, read once (a plain object so the rules can be unit-tested). */
export interface PushPlatform {
  serviceWorker: boolean
  pushManager: boolean
  notification: boolean
  permission: NotificationPermission
  ios: boolean
  standalone: boolean
}

export function readPlatform(): PushPlatform {
  const nav = navigator as Navigator & { standalone?: boolean }
  const ua = nav.userAgent
  // iPadOS reports a Mac; a Mac has no touch screen.
  const ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && nav.maxTouchPoints > 1)
  const standalone = nav.standalone === true || (typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches)
  return {
    serviceWorker: 'serviceWorker' in nav,
    pushManager: 'PushManager' in window,
    notification: 'Notification' in window,
    permission: 'Notification' in window ? Notification.permission : 'default',
    ios,
    standalone,
  }
}

/**
 * What the browser allows, before asking the server: null when notifications can be on or off.
 * iOS (16.4+) has push only in the app added to the Home Screen: Safari itself lacks PushManager.
 */
export function platformState(p: PushPlatform): Exclude<PushState, 'on' | 'off'> | null {
  if (p.ios && !p.standalone) return 'ios-needs-install'
  if (!p.serviceWorker || !p.pushManager || !p.notification) return 'unsupported'
  if (p.permission === 'denied') return 'denied'
  return null
}

/** A name for this device in the device list, e.g. "Chrome on Android". */
export function guessDeviceName(ua: string): string {
  const browser = /Edg\//.test(ua) ? 'Edge'
    : /SamsungBrowser/.test(ua) ? 'Samsung Internet'
      : /Firefox|FxiOS/.test(ua) ? 'Firefox'
        : /Chrome|CriOS|Chromium/.test(ua) ? 'Chrome'
          : /Safari/.test(ua) ? 'Safari'
            : i18n.global.t('push.browser')
  const os = /iPhone/.test(ua) ? 'iPhone'
    : /iPad/.test(ua) ? 'iPad'
      : /Android/.test(ua) ? 'Android'
        : /Windows/.test(ua) ? 'Windows'
          : /Mac OS X|Macintosh/.test(ua) ? 'Mac'
            : /CrOS/.test(ua) ? 'ChromeOS'
              : /Linux/.test(ua) ? 'Linux'
                : ''
  return os ? i18n.global.t('push.deviceGuess', { browser, os }) : browser
}
