import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as app from './text'
import * as server from '../../server/src/text'
import { isolate as i18nIsolate } from '../shared/i18n'

// One table, run against both copies of the module (the app's and the server's: see text.ts).
const THUMB_TONE = '👍🏽' // U+1F44D U+1F3FD: 4 UTF-16 units
const FAMILY = '👨‍👩‍👧‍👦' // 4 emoji, 3 ZWJ: 11 units
const E_ACUTE = 'e\u0301' // e + combining acute
const FLAG = '🇩🇪' // two regional indicators
const HANGUL = '한국어' // precomposed syllables
const HANGUL_JAMO = '\u1112\u1161\u11ab' // 한 as conjoining jamo (L V T)

const counts: [string, string, number][] = [
  ['plain', 'hello', 5],
  ['thumb with skin tone', THUMB_TONE, 1],
  ['family ZWJ sequence', FAMILY, 1],
  ['combining accent', `caf${E_ACUTE}`, 4],
  ['flag', `${FLAG}${FLAG}`, 2],
  ['Hangul syllables', HANGUL, 3],
  ['Hangul jamo', HANGUL_JAMO, 1],
  ['keycap', '1\ufe0f\u20e3', 1],
  ['Hebrew with digits', 'שלום 4711', 9],
  ['CRLF', 'a\r\nb', 3],
  ['empty', '', 0],
]

describe.each([
  ['app (src/kernel/text.ts)', app],
  ['server (server/src/text.ts)', server],
])('%s', (_name, t) => {
  it.each(counts)('counts graphemes: %s', (_case, text, n) => {
    expect(t.graphemeCount(text)).toBe(n)
    expect(t.graphemes(text).join('')).toBe(text)
  })

  it.each(counts)('the approximation without Intl.Segmenter agrees: %s', (_case, text, n) => {
    expect(t.approximateGraphemes(text)).toHaveLength(n)
  })

  it('cuts a push preview at an emoji without splitting it', () => {
    const text = 'x'.repeat(119) + '👍 thanks'
    expect(text.slice(0, 120)).toMatch(/\ud83d$/) // what a UTF-16 cut did: half an emoji
    const cut = t.cutText(text, 120)
    expect(cut).toBe('x'.repeat(119) + '👍…')
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
  })

  it.each([
    ['skin tone', 'ab' + THUMB_TONE + 'cd', 3, 'ab' + THUMB_TONE + '…'],
    ['family', 'a' + FAMILY + FAMILY, 2, 'a' + FAMILY + '…'],
    ['combining accent', `caf${E_ACUTE}s`, 4, `caf${E_ACUTE}…`],
    ['flags', FLAG.repeat(3), 2, FLAG + FLAG + '…'],
    ['Hangul', '안녕하세요', 2, '안녕…'],
    ['trailing space before the cut', 'hello world', 6, 'hello…'],
  ])('cuts between graphemes: %s', (_case, text, max, expected) => {
    expect(t.cutText(text, max)).toBe(expected)
  })

  it('leaves text that fits alone, and respects a code-unit budget', () => {
    expect(t.cutText(FAMILY, 1)).toBe(FAMILY)
    expect(t.cutText('ab' + FAMILY, 10, { maxUnits: 8 })).toBe('ab…')
    expect(t.cutText('abc', 2, { ellipsis: '' })).toBe('ab')
  })

  it('checks limits in graphemes, with the code-unit bound', () => {
    expect(t.fitsGraphemes(FAMILY.repeat(2), 3)).toBe(true) // 22 units, 2 graphemes
    expect(t.fitsGraphemes(FAMILY.repeat(4), 3)).toBe(false)
    expect(t.fitsGraphemes(THUMB_TONE.repeat(4), 4)).toBe(true) // 16 units, 4 graphemes
    expect(t.fitsGraphemes(`${E_ACUTE}`.repeat(3), 3)).toBe(true)
    expect(t.graphemesOver(THUMB_TONE.repeat(6), 4)).toBe(2)
    expect(t.graphemesOver('ab', 4)).toBe(0)
    // One grapheme of 20 combining marks is past 8 units per grapheme: refused, 1 over.
    expect(t.graphemesOver('e' + '\u0301'.repeat(20), 1)).toBe(1)
  })

  it.each([
    ['two words', 'dana smith', 2, 'DS'],
    ['one', 'support', 2, 'S'],
    ['accented (decomposed)', `${E_ACUTE}lo`, 1, E_ACUTE.toUpperCase()],
    ['Hangul', '한국 지원', 2, '한지'],
    ['flag and word', `${FLAG} Team`, 2, `${FLAG}T`],
    ['family emoji', `${FAMILY} Help`, 1, FAMILY],
    ['Arabic', 'محمد علي', 2, 'مع'],
    ['punctuation skipped', '(Sales) Desk', 2, 'D'],
    ['empty', '   ', 2, ''],
  ])('initials: %s', (_case, name, max, expected) => {
    expect(t.initials(name, max)).toBe(expected)
  })

  it.each([
    ['keeps the extension', 'averyveryverylongnameforadocument.pdf', 26, 'averyveryverylongname….pdf'],
    ['fits', 'report.pdf', 26, 'report.pdf'],
    ['emoji at the cut', 'ab' + FAMILY + 'cdefgh.txt', 8, 'ab' + FAMILY + '….txt'],
    ['no extension', 'averyveryverylongname', 10, 'averyvery…'],
    ['Hebrew name', 'דוחשנתימלאמאוד.pdf', 10, 'דוחשנ….pdf'],
  ])('shortens file names: %s', (_case, name, max, expected) => {
    const out = t.shortenFileName(name, max)
    expect(out).toBe(expected)
    expect(t.graphemeCount(out)).toBeLessThanOrEqual(max)
  })

  it('isolates text with FSI … PDI', () => {
    expect(t.isolate('محمد 4711')).toBe('\u2068محمد 4711\u2069')
    // A stray PDI and an override in a name can't leak out of the isolate.
    expect(t.isolate('Eve\u2069\u202egpj.exe')).toBe('\u2068Evegpj.exe\u2069')
    expect(t.isolate('a\u200fb')).toBe('\u2068a\u200fb\u2069')
  })
})

describe('the two copies', () => {
  it("shared/i18n's isolate (kept out of the grapheme module for the first load) is the same function", () => {
    for (const s of ['محمد 4711', 'Eve\u2069\u202egpj.exe', 'a\u200fb', '']) expect(i18nIsolate(s)).toBe(app.isolate(s))
  })

  it('are the same file byte for byte (edit both)', () => {
    const a = readFileSync(new URL('./text.ts', import.meta.url), 'utf8')
    const b = readFileSync(new URL('../../server/src/text.ts', import.meta.url), 'utf8')
    expect(b).toBe(a)
  })
})
