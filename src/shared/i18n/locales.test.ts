import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SUPPORTED_LOCALES, localeDirection, resolveLocale, initialLocale } from './index'

const dir = new URL('./locales/', import.meta.url)
const read = (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, unknown>

/** Every leaf key path of a message tree, `a.b.c`. */
function keys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

describe('locale files', () => {
  const en = keys(read('en.json')).sort()

  it('are exactly the supported locales', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort()
    expect(files).toEqual([...SUPPORTED_LOCALES].sort())
  })

  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))('%s has every key of en.json and no other', (locale) => {
    expect(keys(read(`${locale}.json`)).sort()).toEqual(en)
  })

  it.each(SUPPORTED_LOCALES)('%s has no empty message', (locale) => {
    const tree = read(`${locale}.json`)
    const empty = keys(tree).filter((path) => {
      const value = path.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], tree)
      return typeof value !== 'string' || value.trim() === ''
    })
    expect(empty).toEqual([])
  })
})

describe('resolveLocale', () => {
  it('matches by primary subtag, in order of preference', () => {
    expect(resolveLocale('de-AT', 'en')).toBe('de')
    expect(resolveLocale(undefined, 'fr-FR', 'es-419')).toBe('es')
    expect(resolveLocale('xx', null, 'AR_eg')).toBe('ar')
    expect(resolveLocale('fr', 'it')).toBe('en')
  })

  it('takes ?lang= first on the customer page only', () => {
    expect(initialLocale({ pathname: '/chat/support', search: '?lang=es' }, ['de-DE'])).toBe('es')
    expect(initialLocale({ pathname: '/chat/support', search: '' }, ['de-DE'])).toBe('de')
    expect(initialLocale({ pathname: '/conversations', search: '?lang=es' }, ['de-DE'])).toBe('de')
  })

  it('knows which scripts run right to left', () => {
    expect(localeDirection('ar')).toBe('rtl')
    expect(localeDirection('de')).toBe('ltr')
  })
})
