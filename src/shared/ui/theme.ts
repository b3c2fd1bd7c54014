/**
 * Light / dark theme. The choice ('system' | 'light' | 'dark') is kept in localStorage on this
 * device; 'system' follows `prefers-color-scheme` (Media Queries Level 5) and changes live with it.
 * The resolved theme is written to `<html data-theme>` (tokens.css switches every colour on it) and
 * to `<meta name="theme-color">` (the phone's status bar). Framework-free: main.ts calls
 * `startTheme()` before the app mounts, so the first painted frame already has the right colours
 * (no inline script needed under CSP `script-src 'self'`).
 */
export type ThemeChoice = 'system' | 'light' | 'dark'
export type Theme = 'light' | 'dark'

export const THEME_KEY = 'parley.theme'

const darkQuery = (): MediaQueryList | null =>
  typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null

/** The stored choice; 'system' when none, unreadable (storage blocked) or unknown. */
export function readThemeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(THEME_KEY)
    return v === 'light' || v === 'dark' ? v : 'system'
  } catch {
    return 'system'
  }
}

export function resolveTheme(choice: ThemeChoice, systemDark = darkQuery()?.matches ?? false): Theme {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice
}

export function applyTheme(choice: ThemeChoice = readThemeChoice()): Theme {
  const theme = resolveTheme(choice)
  document.documentElement.dataset.theme = theme
  // The status bar takes --c-status-bar from tokens.css (the only file that spells colours).
  const bar = getComputedStyle(document.documentElement).getPropertyValue('--c-status-bar').trim()
  if (bar) document.querySelector('meta[name="theme-color"]')?.setAttribute('content', bar)
  return theme
}

/** Stores the choice (best effort: a blocked storage still applies it for this visit) and applies it. */
export function setThemeChoice(choice: ThemeChoice): Theme {
  try {
    if (choice === 'system') localStorage.removeItem(THEME_KEY)
    else localStorage.setItem(THEME_KEY, choice)
  } catch {
    // Private mode / storage disabled: the choice lasts until reload.
  }
  return applyTheme(choice)
}

let started = false
/** Applies the stored choice now and follows the system while the choice is 'system'. Idempotent. */
export function startTheme(): void {
  applyTheme()
  if (started) return
  started = true
  darkQuery()?.addEventListener('change', () => {
    if (readThemeChoice() === 'system') applyTheme('system')
  })
}
