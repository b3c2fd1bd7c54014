import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { FileRules } from './rules'

// The server's answer to GET public/settings/files, released when a test says so.
let answer: (files: FileRules) => void = () => undefined
vi.mock('@/kernel/http/client', () => ({
  apiJson: () => new Promise((resolve) => { answer = (files) => resolve({ files }) }),
}))
const { useFileRulesStore } = await import('./store')

const OLD: FileRules = { allowedTypes: ['png'], maxBytes: 1000, videoRecording: true, maxVideoSeconds: 60 }
const NEW: FileRules = { allowedTypes: ['png'], maxBytes: 1000, videoRecording: true, maxVideoSeconds: 2 }

describe('file rules store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('keeps rules the socket brought while an HTTP read was on its way (the read is older)', async () => {
    const store = useFileRulesStore()
    const loading = store.load()
    store.apply(NEW)
    answer(OLD)
    await loading
    expect(store.rules).toEqual(NEW)
  })

  it('takes the HTTP answer when nothing newer came', async () => {
    const store = useFileRulesStore()
    const loading = store.load()
    answer(OLD)
    await loading
    expect(store.rules).toEqual(OLD)
  })
})
