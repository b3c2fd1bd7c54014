/** A MediaRecorder format: the mimeType to ask for, the file's MIME type and its extension. */
export interface RecorderFormat {
  mimeType: string
  fileType: string
  extension: string
}

/**
 * In order of preference: WebM (Chromium, Firefox), then MP4 (Safari, which records only MP4).
 * Feature detection, never the user agent.
 */
export const RECORDER_CANDIDATES: readonly RecorderFormat[] = [
  { mimeType: 'video/webm;codecs=vp9,opus', fileType: 'video/webm', extension: 'webm' },
  { mimeType: 'video/webm;codecs=vp8,opus', fileType: 'video/webm', extension: 'webm' },
  { mimeType: 'video/webm;codecs=vp9', fileType: 'video/webm', extension: 'webm' },
  { mimeType: 'video/webm;codecs=vp8', fileType: 'video/webm', extension: 'webm' },
  { mimeType: 'video/webm', fileType: 'video/webm', extension: 'webm' },
  { mimeType: 'video/mp4;codecs=avc1,mp4a', fileType: 'video/mp4', extension: 'mp4' },
  { mimeType: 'video/mp4', fileType: 'video/mp4', extension: 'mp4' },
]

/** The first format the browser can record, or null (no MediaRecorder, or none of them). */
export function chooseRecorderFormat(isTypeSupported: ((type: string) => boolean) | undefined): RecorderFormat | null {
  if (!isTypeSupported) return null
  for (const f of RECORDER_CANDIDATES) {
    try {
      if (isTypeSupported(f.mimeType)) return f
    } catch {
      // an old implementation that throws on codecs: try the next one
    }
  }
  return null
}

/** The format of what a recorder actually produced (it may differ from the one asked for). */
export function formatOfBlobType(type: string, fallback: RecorderFormat): RecorderFormat {
  const base = type.split(';')[0]!.trim().toLowerCase()
  if (base === 'video/webm') return { mimeType: type, fileType: base, extension: 'webm' }
  if (base === 'video/mp4') return { mimeType: type, fileType: base, extension: 'mp4' }
  if (base === 'video/quicktime') return { mimeType: type, fileType: base, extension: 'mov' }
  return fallback
}

export const AUDIO_BITRATE = 64_000
const MAX_VIDEO_BITRATE = 2_500_000
const MIN_VIDEO_BITRATE = 250_000

/**
 * A video bitrate that keeps a recording of the full allowed length under the size limit (with
 * 10% for the container), between 250 kbit/s and 2.5 Mbit/s. 10 MB and 60 s give about 1.2 Mbit/s.
 */
export function videoBitrate(maxBytes: number, maxSeconds: number, withAudio: boolean): number {
  const budget = (maxBytes * 8 * 0.9) / Math.max(1, maxSeconds) - (withAudio ? AUDIO_BITRATE : 0)
  return Math.round(Math.max(MIN_VIDEO_BITRATE, Math.min(MAX_VIDEO_BITRATE, budget)))
}

/** Seconds as mm:ss ("01:05"); minutes go past 59 rather than wrapping. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0))
  const mm = String(Math.floor(s / 60)).padStart(2, '0')
  const ss = String(s % 60).padStart(2, '0')
  return `${mm}:${ss}`
}

const pad = (n: number) => String(n).padStart(2, '0')

/** "photo-20260314-093005.jpg": the local time the still or recording was made. */
export function captureFileName(kind: 'photo' | 'video', extension: string, at: Date = new Date()): string {
  const day = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}`
  const time = `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`
  return `${kind}-${day}-${time}.${extension}`
}
