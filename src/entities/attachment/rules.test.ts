import { describe, expect, it } from 'vitest'
import { checkFile, fileExtension, formatBytes } from './rules'

const rules = { allowedTypes: ['gif', 'heic', 'jpeg', 'jpg', 'png'], maxBytes: 10 * 1024 * 1024, videoRecording: true, maxVideoSeconds: 60 }

describe('file rules', () => {
  it('allows listed types, jpg for jpeg and heif for heic', () => {
    expect(checkFile(rules, { name: 'a.PNG', type: 'image/png', size: 10 })).toBeNull()
    expect(checkFile({ ...rules, allowedTypes: ['jpeg'] }, { name: 'b.jpg', type: 'image/jpeg', size: 10 })).toBeNull()
    expect(checkFile(rules, { name: 'c.heif', type: '', size: 10 })).toBeNull()
  })

  it('names the type rule with the allowed list', () => {
    expect(checkFile(rules, { name: 'report.pdf', type: 'application/pdf', size: 10 })).toBe(
      '.pdf files are not allowed. Allowed file types: gif, heic, jpeg, jpg, png.',
    )
  })

  it('names the size rule with both sizes', () => {
    expect(checkFile(rules, { name: 'big.png', type: 'image/png', size: 12.5 * 1024 * 1024 })).toBe(
      '“big.png” is 13 MB: the maximum file size is 10 MB.',
    )
  })

  it('lets recorded videos through only while recording is allowed', () => {
    const video = { name: 'video.webm', type: 'video/webm', size: 1000 }
    expect(checkFile(rules, video, { recorded: true })).toBeNull()
    expect(checkFile(rules, video)).toMatch(/\.webm files are not allowed/)
    expect(checkFile({ ...rules, videoRecording: false }, video, { recorded: true })).toMatch(/turned off/)
  })

  it('takes the type from the MIME type when the name has none', () => {
    expect(fileExtension({ name: 'photo', type: 'image/jpeg' })).toBe('jpg')
    expect(formatBytes(1536)).toBe('2 KB')
  })
})
