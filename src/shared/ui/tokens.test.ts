/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// Read as files: Vitest does not load stylesheets (css: false), so `?raw` would be empty.
const css = readFileSync('src/shared/ui/tokens.css', 'utf8')

/**
 * WCAG 2.2 SC 1.4.3 (contrast, minimum): text needs 4.5:1 against its background. Each pair below is
 * a text token on the background token it is drawn on somewhere in the app; both themes are read
 * from tokens.css itself, so a colour changed there is checked here.
 */

function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`)
  const body = css.slice(start, css.indexOf('}', start))
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1]!, m[2]!]))
}

const light = block(':root')
const dark = { ...light, ...block(":root[data-theme='dark']") }

/** Relative luminance (WCAG 2.2, "relative luminance" definition) of #rrggbb. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi! + 0.05) / (lo! + 0.05)
}

/** [text, background] */
const PAIRS: [string, string][] = [
  ['c-text', 'c-bg'],
  ['c-text', 'c-surface'],
  ['c-text', 'c-surface-2'],
  ['c-text-2', 'c-bg'],
  ['c-muted', 'c-bg'],
  ['c-muted', 'c-surface'],
  ['c-brand', 'c-bg'],
  ['c-brand', 'c-brand-softer'],
  ['c-on-brand', 'c-brand'],
  ['c-on-brand', 'c-brand-dark'],
  ['c-brand-text', 'c-brand-soft'],
  ['c-brand-text', 'c-brand-softer'],
  ['c-danger', 'c-bg'],
  ['c-danger', 'c-danger-soft'],
  ['c-danger-text', 'c-danger-soft'],
  ['c-on-danger', 'c-danger'],
  ['c-on-danger', 'c-danger-dark'],
  ['c-success', 'c-bg'],
  ['c-success-text', 'c-success-soft'],
  ['c-warning-text', 'c-warning-soft'],
  ['c-accent-text', 'c-accent-soft'],
  ['c-on-inverse', 'c-inverse'],
  ['c-text', 'c-note'],
  ['c-text', 'c-warning-soft'],
  ['c-on-header', 'c-header'],
  ['c-on-media', 'c-media-bg'],
  ['c-on-media', 'c-media-surface'],
]

describe('design tokens', () => {
  for (const [name, theme] of [['light', light], ['dark', dark]] as const) {
    it.each(PAIRS)(`${name}: --%s on --%s is at least 4.5:1`, (fg, bg) => {
      expect(theme[fg], `--${fg} in ${name}`).toMatch(/^#/)
      expect(theme[bg], `--${bg} in ${name}`).toMatch(/^#/)
      expect(contrast(theme[fg]!, theme[bg]!)).toBeGreaterThanOrEqual(4.5)
    })
  }

  it('no colour is spelled outside tokens.css (src/**/*.vue and *.css)', () => {
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(vue|css)$/.test(f) && !f.endsWith('tokens.css'))
      .map((f) => `src/${f}`)
    expect(files.length).toBeGreaterThan(50)
    const sources = Object.fromEntries(files.map((f) => [f, readFileSync(f, 'utf8')]))
    const offenders = Object.entries(sources).flatMap(([file, text]) =>
      text
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => /#[0-9a-f]{3,8}\b|rgba?\(/i.test(line))
        .map(({ at }) => at),
    )
    expect(offenders).toEqual([])
  })
})
