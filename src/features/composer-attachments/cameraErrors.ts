/** Why the camera can't be used, each with its own message (the dialog offers the file picker). */
export type CameraProblem = 'denied' | 'no-camera' | 'unsupported' | 'no-recorder' | 'busy' | 'failed'

export const CAMERA_PROBLEMS: Record<CameraProblem, string> = {
  denied: 'Camera access is blocked. Allow the camera for this site in your browser settings, or choose a file instead.',
  'no-camera': 'No camera was found on this device. You can choose a file instead.',
  unsupported: 'This browser can’t use the camera here. You can choose a file instead.',
  'no-recorder': 'This browser can’t record video. You can take a photo or choose a file instead.',
  busy: 'The camera is in use by another app. Close it and try again, or choose a file instead.',
  failed: 'The camera could not be started. Try again, or choose a file instead.',
}

/** Maps a getUserMedia failure (a DOMException by name) to what we tell the agent. */
export function cameraProblemOf(error: unknown): CameraProblem {
  const name = error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : ''
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied'
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'no-camera'
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy'
    case 'TypeError':
    case 'NotSupportedError':
      return 'unsupported'
    default:
      return 'failed'
  }
}

/** Before asking: no mediaDevices at all means no camera API (e.g. an insecure page); no getUserMedia means an old browser. */
export function cameraSupport(nav: { mediaDevices?: { getUserMedia?: unknown } } | undefined): CameraProblem | null {
  if (!nav?.mediaDevices) return 'no-camera'
  if (typeof nav.mediaDevices.getUserMedia !== 'function') return 'unsupported'
  return null
}
