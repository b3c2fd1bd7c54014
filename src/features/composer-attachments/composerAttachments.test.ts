import { describe, expect, it } from 'vitest'
import { acceptFor, MAX_ATTACHMENTS, prepareAttachment } from './composerAttachments'

const rules = { allowedTypes: ['gif', 'heic', 'jpeg', 'jpg', 'png'], maxBytes: 2048, videoRecording: true, maxVideoSeconds: 60 }
const url = () => 'blob:preview'
const blob = (size: number, type: string) => new Blob([new Uint8Array(size)], { type })

describe('preparing an attachment', () => {
  it('accepts an allowed image, with a preview URL', () => {
    const r = prepareAttachment(rules, { blob: blob(100, 'image/png'), name: 'shot.png' }, 0, url)
    expect(r).toMatchObject({ ok: true, attachment: { name: 'shot.png', type: 'image/png', size: 100, recorded: false, previewUrl: 'blob:preview' } })
  })

  it('refuses with the rule named: type, then size', () => {
    expect(prepareAttachment(rules, { blob: blob(10, 'application/pdf'), name: 'report.pdf' }, 0, url)).toEqual({
      ok: false,
      error: '.pdf files are not allowed. Allowed file types: gif, heic, jpeg, jpg, png.',
    })
    expect(prepareAttachment(rules, { blob: blob(4096, 'image/png'), name: 'big.png' }, 0, url)).toEqual({
      ok: false,
      error: '“big.png” is 4 KB: the maximum file size is 2 KB.',
    })
  })

  it('lets a recorded video through while recording is allowed, without an image preview', () => {
    const r = prepareAttachment(rules, { blob: blob(100, 'video/webm'), name: 'video-1.webm', recorded: true }, 0, url)
    expect(r).toMatchObject({ ok: true, attachment: { recorded: true, previewUrl: null } })
    expect(prepareAttachment({ ...rules, videoRecording: false }, { blob: blob(100, 'video/webm'), name: 'v.webm', recorded: true }, 0, url).ok).toBe(false)
  })

  it('stops at the per-message limit', () => {
    const r = prepareAttachment(rules, { blob: blob(1, 'image/png'), name: 'a.png' }, MAX_ATTACHMENTS, url)
    expect(r).toEqual({ ok: false, error: `You can attach up to ${MAX_ATTACHMENTS} files to one message.` })
  })

  it('a HEIC photo gets no browser preview (most browsers can’t show it)', () => {
    const r = prepareAttachment(rules, { blob: blob(10, 'image/heic'), name: 'IMG_1.heic' }, 0, url)
    expect(r).toMatchObject({ ok: true, attachment: { previewUrl: null } })
  })
})

describe('file picker accept', () => {
  it('gallery takes the allowed image and video types; document every allowed type', () => {
    const list = { ...rules, allowedTypes: ['png', 'jpg', 'mp4', 'pdf'] }
    expect(acceptFor('gallery', list)).toBe('.png,image/png,.jpg,image/jpeg,.mp4,video/mp4')
    expect(acceptFor('document', list)).toBe('.png,image/png,.jpg,image/jpeg,.mp4,video/mp4,.pdf')
  })

  it('without rules or allowed images the pickers still open', () => {
    expect(acceptFor('gallery', null)).toBe('image/*,video/*')
    expect(acceptFor('document', null)).toBe('')
    expect(acceptFor('gallery', { ...rules, allowedTypes: ['pdf'] })).toBe('image/*')
  })
})
