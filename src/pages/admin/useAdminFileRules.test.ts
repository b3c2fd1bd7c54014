import { beforeAll, describe, expect, it } from 'vitest'
import { setLocale } from '@/shared/i18n'
import { MB, parseDraft, toDraft, typeProblem } from './useAdminFileRules'

describe('File Type Settings validation', () => {
  beforeAll(() => setLocale('en'))

  it('round-trips the rules through the form', () => {
    const rules = { allowedTypes: ['gif', 'jpg', 'png'], maxBytes: 10 * MB, videoRecording: true, maxVideoSeconds: 60 }
    const draft = toDraft(rules)
    expect(draft).toEqual({ allowedTypes: ['gif', 'jpg', 'png'], maxMb: '10', videoRecording: true, maxVideoSeconds: '60' })
    expect(parseDraft(draft)).toEqual({ rules, errors: [] })
    expect(parseDraft({ ...draft, maxMb: '2,5' }).rules?.maxBytes).toBe(Math.round(2.5 * MB))
  })

  it('names each field out of the server limits', () => {
    const bad = parseDraft({ allowedTypes: ['png', 'bad type'], maxMb: '101', videoRecording: false, maxVideoSeconds: '0' })
    expect(bad.rules).toBeNull()
    expect(bad.errors.map((e) => e.field)).toEqual(['maxBytes', 'maxVideoSeconds', 'allowedTypes'])
    expect(parseDraft({ allowedTypes: [], maxMb: 'ten', videoRecording: true, maxVideoSeconds: '1.5' }).errors.map((e) => e.field)).toEqual([
      'maxBytes', 'maxVideoSeconds',
    ])
  })

  it('refuses new types that are malformed, duplicated or never served', () => {
    expect(typeProblem('pdf', ['png'])).toBeNull()
    expect(typeProblem('', [])).toMatch(/Enter a file type/)
    expect(typeProblem('p.df', [])).toMatch(/letters or digits/)
    expect(typeProblem('png', ['png'])).toMatch(/already in the list/)
    expect(typeProblem('svg', [])).toMatch(/never accepted/)
  })

  it('says it in the interface language', async () => {
    await setLocale('de')
    try {
      expect(typeProblem('png', ['png'])).toBe('png steht bereits in der Liste.')
      expect(parseDraft({ allowedTypes: [], maxMb: '0', videoRecording: false, maxVideoSeconds: '1' }).errors[0]?.message).toBe(
        'Geben Sie eine Größe von 0,01 bis 100 MB ein.',
      )
    } finally {
      await setLocale('en')
    }
  })
})
