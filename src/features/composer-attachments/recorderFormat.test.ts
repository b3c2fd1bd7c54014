import { describe, expect, it } from 'vitest'
import { AUDIO_BITRATE, captureFileName, chooseRecorderFormat, formatElapsed, formatOfBlobType, videoBitrate } from './recorderFormat'

describe('recorder format', () => {
  it('prefers WebM with VP9 where supported (Chromium)', () => {
    const chromium = (t: string) => t.startsWith('video/webm')
    expect(chooseRecorderFormat(chromium)).toMatchObject({ mimeType: 'video/webm;codecs=vp9,opus', fileType: 'video/webm', extension: 'webm' })
  })

  it('falls back to VP8 (Firefox) and to MP4 (Safari)', () => {
    const firefox = (t: string) => t === 'video/webm' || t.includes('vp8')
    expect(chooseRecorderFormat(firefox)?.mimeType).toBe('video/webm;codecs=vp8,opus')
    const safari = (t: string) => t.startsWith('video/mp4')
    expect(chooseRecorderFormat(safari)).toMatchObject({ fileType: 'video/mp4', extension: 'mp4' })
  })

  it('is null without MediaRecorder or any supported type, and survives a throwing check', () => {
    expect(chooseRecorderFormat(undefined)).toBeNull()
    expect(chooseRecorderFormat(() => false)).toBeNull()
    const picky = (t: string) => {
      if (t.includes('codecs')) throw new Error('bad type')
      return t === 'video/mp4'
    }
    expect(chooseRecorderFormat(picky)?.mimeType).toBe('video/mp4')
  })

  it('names the file after what the recorder produced', () => {
    const asked = chooseRecorderFormat((t) => t.startsWith('video/webm'))!
    expect(formatOfBlobType('video/mp4;codecs=avc1', asked)).toMatchObject({ fileType: 'video/mp4', extension: 'mp4' })
    expect(formatOfBlobType('video/x-matroska;codecs=avc1', asked)).toBe(asked)
    expect(formatOfBlobType('', asked)).toBe(asked)
  })
})

describe('elapsed time', () => {
  it('shows mm:ss, rounding down, and keeps counting minutes past an hour', () => {
    expect(formatElapsed(0)).toBe('00:00')
    expect(formatElapsed(2.9)).toBe('00:02')
    expect(formatElapsed(65)).toBe('01:05')
    expect(formatElapsed(3600)).toBe('60:00')
    expect(formatElapsed(-3)).toBe('00:00')
    expect(formatElapsed(Number.NaN)).toBe('00:00')
  })
})

describe('capture file names', () => {
  it('are photo-/video- with the local date and time', () => {
    const at = new Date(2026, 2, 4, 9, 5, 7)
    expect(captureFileName('photo', 'jpg', at)).toBe('photo-20260304-090507.jpg')
    expect(captureFileName('video', 'webm', new Date(2026, 11, 31, 23, 59, 59))).toBe('video-20261231-235959.webm')
  })
})

describe('video bitrate', () => {
  it('fits the longest allowed recording under the size limit', () => {
    const bps = videoBitrate(10 * 1024 * 1024, 60, true)
    expect(bps).toBeGreaterThan(1_000_000)
    expect(((bps + AUDIO_BITRATE) * 60) / 8).toBeLessThan(10 * 1024 * 1024)
  })

  it('stays between 250 kbit/s and 2.5 Mbit/s', () => {
    expect(videoBitrate(1024 * 1024 * 1024, 10, false)).toBe(2_500_000)
    expect(videoBitrate(100 * 1024, 600, true)).toBe(250_000)
  })
})
