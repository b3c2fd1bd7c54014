import { i18n } from '@/shared/i18n'
import { onBeforeUnmount, ref, shallowRef } from 'vue'
import { cameraProblemOf, cameraSupport, type CameraProblem } from './cameraErrors'

export type Facing = 'user' | 'environment'

/**
 * The camera stream for the in-app camera: start (optionally with the microphone, for video),
 * switch between front and back, stop every track. Problems are kept as a CameraProblem.
 */
export function useCamera() {
  const stream = shallowRef<MediaStream | null>(null)
  const problem = ref<CameraProblem | null>(null)
  const starting = ref(false)
  const facing = ref<Facing>('environment')
  const cameraCount = ref(0)
  /** A camera chosen by id (desktop cameras don't say which way they face). */
  let deviceId: string | null = null
  let generation = 0

  function stop() {
    generation++
    stream.value?.getTracks().forEach((t) => t.stop())
    stream.value = null
  }

  async function open(video: MediaTrackConstraints, audio: boolean): Promise<MediaStream> {
    const md = navigator.mediaDevices
    if (!audio) return md.getUserMedia({ video, audio: false })
    try {
      return await md.getUserMedia({ video, audio: true })
    } catch (e) {
      // No microphone, or it is refused: record without sound rather than not at all.
      if (cameraProblemOf(e) === 'denied' || cameraProblemOf(e) === 'no-camera') return md.getUserMedia({ video, audio: false })
      throw e
    }
  }

  async function countCameras() {
    try {
      const devices = await navigator.mediaDevices.enumerateDevices()
      cameraCount.value = devices.filter((d) => d.kind === 'videoinput').length
    } catch {
      cameraCount.value = stream.value ? 1 : 0
    }
  }

  /** Opens the camera facing `facing` (with `audio`: for video); resolves false (with `problem` set) when it can't. */
  async function start(opts: { audio?: boolean } = {}): Promise<boolean> {
    stop()
    const mine = generation
    problem.value = cameraSupport(typeof navigator === 'undefined' ? undefined : navigator)
    if (problem.value) return false
    starting.value = true
    try {
      // Stills at full HD; video at 720p, which phones encode easily and which fits the size limit.
      const size = opts.audio ? { width: { ideal: 1280 }, height: { ideal: 720 } } : { width: { ideal: 1920 }, height: { ideal: 1080 } }
      const video: MediaTrackConstraints = { ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode: { ideal: facing.value } }), ...size }
      const s = await open(video, opts.audio === true)
      if (mine !== generation) {
        // Closed (or restarted) while the browser was asking: let this one go.
        s.getTracks().forEach((t) => t.stop())
        return false
      }
      stream.value = s
      await countCameras()
      return true
    } catch (e) {
      if (mine === generation) problem.value = cameraProblemOf(e)
      return false
    } finally {
      if (mine === generation) starting.value = false
    }
  }

  /** Front ↔ back on phones; elsewhere the next camera in the list. */
  async function switchCamera(opts: { audio?: boolean } = {}): Promise<boolean> {
    const current = stream.value?.getVideoTracks()[0]?.getSettings()
    facing.value = facing.value === 'user' ? 'environment' : 'user'
    deviceId = null
    if (!current?.facingMode) {
      try {
        const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput')
        const i = cameras.findIndex((d) => d.deviceId === current?.deviceId)
        deviceId = cameras[(i + 1) % cameras.length]?.deviceId || null
      } catch {
        // no list: try the other facing mode
      }
    }
    return start(opts)
  }

  onBeforeUnmount(stop)

  return { stream, problem, starting, facing, cameraCount, start, stop, switchCamera }
}

/**
 * Resolves once the <video> has a picture: a shutter pressed the moment the preview opens (or on a
 * slow phone) waits for the camera's first frame instead of failing.
 */
function firstFrame(video: HTMLVideoElement, timeoutMs = 5000): Promise<void> {
  if (video.videoWidth && video.videoHeight) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!video.videoWidth || !video.videoHeight) return
      cleanup()
      resolve()
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(i18n.global.t('chat.camera.noPicture')))
    }, timeoutMs)
    const cleanup = () => {
      clearTimeout(timer)
      video.removeEventListener('loadeddata', check)
      video.removeEventListener('resize', check)
    }
    video.addEventListener('loadeddata', check)
    video.addEventListener('resize', check)
  })
}

/** The current frame of a playing <video> as a JPEG. */
export async function capturePhoto(video: HTMLVideoElement, quality = 0.92): Promise<Blob> {
  await firstFrame(video)
  const w = video.videoWidth
  const h = video.videoHeight
  const canvas = document.createElement('canvas')
  canvas.width = w
  canvas.height = h
  const ctx = canvas.getContext('2d')
  if (!ctx) return Promise.reject(new Error(i18n.global.t('chat.camera.noPhotos')))
  ctx.drawImage(video, 0, 0, w, h)
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(i18n.global.t('chat.camera.photoFailed')))), 'image/jpeg', quality),
  )
}
