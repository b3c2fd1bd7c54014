import { describe, expect, it } from 'vitest'
import { nextTick, ref } from 'vue'
import { useCannedPicker } from './useCannedPicker'

describe('useCannedPicker', () => {
  it('opens on "/" + shortcut as the whole message and replaces the command with the choice', async () => {
    const text = ref('')
    const p = useCannedPicker(text)
    text.value = '/ref'
    await nextTick()
    expect(p.open.value).toBe(true)
    expect(p.query.value).toBe('ref')
    p.choose('Your refund is on its way.', () => {
      throw new Error('not at the caret')
    })
    expect(text.value).toBe('Your refund is on its way.')
    expect(p.open.value).toBe(false)
  })

  it('from the button, inserts at the caret and leaves the rest of the text', () => {
    const text = ref('Hello ')
    const p = useCannedPicker(text)
    p.openFromButton()
    const inserted: string[] = []
    p.choose('Dana', (v) => inserted.push(v))
    expect(inserted).toEqual(['Dana'])
    expect(text.value).toBe('Hello ')
  })

  it('closed without a choice, a message starting with "/" can still be written', async () => {
    const text = ref('')
    const p = useCannedPicker(text)
    text.value = '/'
    await nextTick()
    p.close()
    text.value = '/usr'
    await nextTick()
    expect(p.open.value).toBe(false)
    text.value = '/usr/bin is where'
    await nextTick()
    text.value = ''
    await nextTick()
    text.value = '/x'
    await nextTick()
    expect(p.open.value).toBe(true)
  })
})
