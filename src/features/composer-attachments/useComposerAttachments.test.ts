import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import { useFileRulesStore } from '@/entities/attachment/store'
import { clearAllComposerAttachments, useComposerAttachments } from './useComposerAttachments'

const png = (name: string, size = 10) => ({ blob: new Blob([new Uint8Array(size)], { type: 'image/png' }), name })

describe('composer attachments', () => {
  let urls = 0
  const revoked: string[] = []
  beforeEach(() => {
    setActivePinia(createPinia())
    useFileRulesStore().apply({ allowedTypes: ['png', 'jpg'], maxBytes: 1000, videoRecording: true, maxVideoSeconds: 60 })
    clearAllComposerAttachments()
    revoked.length = 0
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:${++urls}`)
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((u: string) => void revoked.push(u))
  })

  afterEach(() => vi.restoreAllMocks())

  it('keeps each conversation’s files while switching between them', () => {
    const id = ref('a')
    const att = useComposerAttachments(id)
    att.add([png('one.png')])
    id.value = 'b'
    expect(att.list.value).toEqual([])
    att.add([png('two.png')])
    id.value = 'a'
    expect(att.list.value.map((a) => a.name)).toEqual(['one.png'])
  })

  it('adds what passes, names the first refusal, and clears it on the next good choice', () => {
    const att = useComposerAttachments(ref('c'))
    const error = att.add([png('ok.png'), png('huge.png', 5000), { blob: new Blob(['x'], { type: 'application/pdf' }), name: 'x.pdf' }])
    expect(error).toMatch(/“huge.png” is 5 KB: the maximum file size is 1,000 B/)
    expect(att.error.value).toBe(error)
    expect(att.list.value.map((a) => a.name)).toEqual(['ok.png'])
    att.add([png('fine.png')])
    expect(att.error.value).toBe('')
  })

  it('revokes a chip’s preview URL when it is removed, and keeps chips added while sending', () => {
    const att = useComposerAttachments(ref('d'))
    att.add([png('a.png'), png('b.png')])
    const [a, b] = att.list.value
    att.remove(a!.id)
    expect(revoked).toEqual([a!.previewUrl])
    const sending = att.list.value
    att.add([png('c.png')])
    att.clearSent(sending)
    expect(revoked).toContain(b!.previewUrl)
    expect(att.list.value.map((x) => x.name)).toEqual(['c.png'])
  })
})
