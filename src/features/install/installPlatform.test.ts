import { describe, expect, it } from 'vitest'
import { installMode, isIos, isIosSafari, type InstallFacts } from './installPlatform'

const UA = {
  iphoneSafari: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  iphoneChrome: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
  iphoneFirefox: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15',
  ipadDesktopSafari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  androidChrome: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  desktopFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
}

const facts = (over: Partial<InstallFacts>): InstallFacts => ({
  userAgent: UA.androidChrome,
  maxTouchPoints: 5,
  standalone: false,
  installed: false,
  hasPrompt: false,
  ...over,
})

describe('install platform', () => {
  it('tells iOS (iPadOS reports a Mac with a touch screen) and Safari from the other iOS browsers', () => {
    expect(isIos(UA.iphoneSafari, 5)).toBe(true)
    expect(isIos(UA.ipadDesktopSafari, 5)).toBe(true)
    expect(isIos(UA.ipadDesktopSafari, 0)).toBe(false)
    expect(isIos(UA.androidChrome, 5)).toBe(false)
    expect(isIosSafari(UA.iphoneSafari, 5)).toBe(true)
    expect(isIosSafari(UA.ipadDesktopSafari, 5)).toBe(true)
    expect(isIosSafari(UA.iphoneChrome, 5)).toBe(false)
    expect(isIosSafari(UA.iphoneFirefox, 5)).toBe(false)
  })

  it('offers the button where the browser gave its install event', () => {
    expect(installMode(facts({ hasPrompt: true }))).toBe('prompt')
    expect(installMode(facts({ hasPrompt: false }))).toBe('none')
    expect(installMode(facts({ userAgent: UA.desktopFirefox, maxTouchPoints: 0 }))).toBe('none')
  })

  it('gives Add to Home Screen instructions in iOS Safari only, not in the installed app', () => {
    expect(installMode(facts({ userAgent: UA.iphoneSafari }))).toBe('ios')
    expect(installMode(facts({ userAgent: UA.ipadDesktopSafari }))).toBe('ios')
    expect(installMode(facts({ userAgent: UA.iphoneChrome }))).toBe('none')
    expect(installMode(facts({ userAgent: UA.iphoneSafari, standalone: true }))).toBe('installed')
  })

  it('offers nothing once installed, even if an install event is still kept', () => {
    expect(installMode(facts({ standalone: true, hasPrompt: true }))).toBe('installed')
    expect(installMode(facts({ installed: true, hasPrompt: true }))).toBe('installed')
  })
})
