import { i18n } from '@/shared/i18n'
import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import { AUDIO_BITRATE, chooseRecorderFormat, formatElapsed, formatOfBlobType, videoBitrate, type RecorderFormat } from './recorderFormat'

export interface Recording {
  blob: Blob
  url: string
  format: RecorderFormat
  seconds: number
}

/** The browser's recording format, or null when it can't record (no MediaRecorder). */
export function detectRecorderFormat(): RecorderFormat | null {
  if (typeof MediaRecorder === 'undefined') return null
  return chooseRecorderFormat((t) => MediaRecorder.isTypeSupported(t))
}

/**
 * Records a stream with MediaRecorder, shows the elapsed time, and stops by itself at
 * `maxSeconds`. The result is a Blob (with an object URL for playback, revoked on discard).
 */
export function useRecorder() {
  const recording = ref(false)
  const elapsed = ref(0)
  const result = shallowRef<Recording | null>(null)
  const error = ref('')
  let recorder: MediaRecorder | null = null
  let timer: ReturnType<typeof setInterval> | null = null
  let startedAt = 0

  const elapsedText = computed(() => formatElapsed(elapsed.value))

  function clearTimer() {
    if (timer) clearInterval(timer)
    timer = null
  }

  /** Records `stream` for at most `maxSeconds`, at a bitrate that keeps it under `maxBytes`. */
  function start(stream: MediaStream, maxSeconds: number, maxBytes: number): boolean {
    discard()
    error.value = ''
    const format = detectRecorderFormat()
    if (!format) {
      error.value = i18n.global.t('chat.camera.problem.noRecorder')
      return false
    }
    const chunks: Blob[] = []
    let r: MediaRecorder
    try {
      const hasAudio = stream.getAudioTracks().length > 0
      r = new MediaRecorder(stream, {
        mimeType: format.mimeType,
        videoBitsPerSecond: videoBitrate(maxBytes, maxSeconds, hasAudio),
        ...(hasAudio ? { audioBitsPerSecond: AUDIO_BITRATE } : {}),
      })
    } catch {
      error.value = i18n.global.t('chat.camera.recordFailed')
      return false
    }
    recorder = r
    r.ondataavailable = (e) => {
      if (e.data.size) chunks.push(e.data)
    }
    r.onstop = () => {
      clearTimer()
      recording.value = false
      if (recorder !== r) return
      recorder = null
      const seconds = Math.min(maxSeconds, (performance.now() - startedAt) / 1000)
      const actual = formatOfBlobType(r.mimeType || chunks[0]?.type || '', format)
      if (!chunks.length) {
        error.value = i18n.global.t('chat.camera.nothingRecorded')
        elapsed.value = 0
        return
      }
      // The plain container type (no codecs) is what the upload and the server expect.
      const blob = new Blob(chunks, { type: actual.fileType })
      result.value = { blob, url: URL.createObjectURL(blob), format: actual, seconds }
    }
    r.onerror = () => {
      error.value = i18n.global.t('chat.camera.recordStopped')
    }
    startedAt = performance.now()
    elapsed.value = 0
    // Small slices: a recording cut short still has data.
    r.start(1000)
    recording.value = true
    timer = setInterval(() => {
      const s = (performance.now() - startedAt) / 1000
      elapsed.value = Math.min(Math.floor(s), maxSeconds)
      if (s >= maxSeconds) stop()
    }, 250)
    return true
  }

  function stop() {
    clearTimer()
    if (recorder && recorder.state !== 'inactive') recorder.stop()
  }

  /** Drops the recording (and a recording in progress). */
  function discard() {
    if (recorder) {
      const r = recorder
      recorder = null
      clearTimer()
      if (r.state !== 'inactive') r.stop()
      recording.value = false
    }
    if (result.value) URL.revokeObjectURL(result.value.url)
    result.value = null
    elapsed.value = 0
  }

  /** Hands the recording over (its URL is revoked: the chip makes its own). */
  function take(): Recording | null {
    const r = result.value
    if (r) URL.revokeObjectURL(r.url)
    result.value = null
    elapsed.value = 0
    return r
  }

  onBeforeUnmount(discard)

  return { recording, elapsed, elapsedText, result, error, start, stop, discard, take }
}
