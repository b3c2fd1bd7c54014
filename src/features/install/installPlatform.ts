/** How Parley can be installed here (a plain function of the browser's facts, unit-tested). */
export type InstallMode =
  /** Running as the installed app, or just installed from this tab: nothing to offer. */
  | 'installed'
  /** The browser offered `beforeinstallprompt`: an "Install Parley" button. */
  | 'prompt'
  /** iOS Safari has no prompt: Share, then "Add to Home Screen". */
  | 'ios'
  /** This browser can't install Parley (or hasn't offered it yet). */
  | 'none'

export interface InstallFacts {
  userAgent: string
  maxTouchPoints: number
  /** display-mode standalone / fullscreen / minimal-ui, or iOS's navigator.standalone. */
  standalone: boolean
  /** `appinstalled` fired in this tab. */
  installed: boolean
  /** A `beforeinstallprompt` event is being kept. */
  hasPrompt: boolean
}

/** iPhone, iPod or iPad (iPadOS reports a Mac; a Mac has no touch screen). */
export function isIos(ua: string, maxTouchPoints: number): boolean {
  return /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && maxTouchPoints > 1)
}

/** Safari itself on iOS: other iOS browsers (Chrome, Firefox, Edge, in-app views) name themselves. */
export function isIosSafari(ua: string, maxTouchPoints: number): boolean {
  return isIos(ua, maxTouchPoints) && /Safari\//.test(ua) && /Version\//.test(ua) && !/CriOS|FxiOS|EdgiOS|OPiOS|YaBrowser|GSA\/|DuckDuckGo/.test(ua)
}

export function installMode(f: InstallFacts): InstallMode {
  if (f.standalone || f.installed) return 'installed'
  if (f.hasPrompt) return 'prompt'
  if (isIosSafari(f.userAgent, f.maxTouchPoints)) return 'ios'
  return 'none'
}
