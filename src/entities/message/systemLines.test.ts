import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setLocale } from '@/shared/i18n'
import { systemLineText } from './systemLines'

const FSI = '\u2068'
const PDI = '\u2069'
const iso = (s: string) => `${FSI}${s}${PDI}`

describe('system lines on the customer page', () => {
  beforeAll(() => setLocale('es'))
  afterAll(() => setLocale('en'))

  it('says the server’s sentences in the customer’s language, names isolated', () => {
    expect(systemLineText('Dana joined the chat')).toBe(`${iso('Dana')} se ha unido al chat`)
    expect(systemLineText('Chat ended by Sam Lee')).toBe(`${iso('Sam Lee')} ha finalizado el chat`)
    expect(systemLineText('Transferred by Sam to Dana (Billing)')).toBe(`${iso('Sam')} ha transferido el chat a ${iso('Dana')} (${iso('Billing')})`)
    expect(systemLineText('Transferred by Sam to Billing')).toBe(`${iso('Sam')} ha transferido el chat a ${iso('Billing')}`)
    expect(systemLineText('Dana is no longer available — returned to Support')).toBe(
      `${iso('Dana')} ya no está disponible: el chat vuelve a ${iso('Support')}`,
    )
  })

  it('keeps a right-to-left name whole inside the sentence', async () => {
    await setLocale('ar')
    expect(systemLineText('دانة joined the chat')).toBe(`انضم ${iso('دانة')} إلى المحادثة`)
    await setLocale('es')
  })

  it('shows a line it does not know as stored', () => {
    expect(systemLineText('Something new happened')).toBe('Something new happened')
  })
})

describe('system lines stored with isolated names', () => {
  it('isolate each name once (the server already wraps names in FSI…PDI)', () => {
    expect(systemLineText('\u2068Dana\u2069 joined the chat')).toBe('\u2068Dana\u2069 joined the chat')
  })
})
