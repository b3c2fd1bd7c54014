import { i18n } from '@/shared/i18n'

/** Why the camera can't be used, each with its own message (the dialog offers the file picker). */
export type CameraProblem = 'denied' | 'no-camera' | 'unsupported' | 'no-recorder' | 'busy' | 'failed'

const PROBLEM_KEYS = { denied: 'denied', 'no-camera': 'noCamera', unsupported: 'unsupported', 'no-recorder': 'noRecorder', busy: 'busy', failed: 'failed' } as const satisfies Record<CameraProblem, string>

export const CAMERA_PROBLEMS: readonly CameraProblem[] = ['denied', 'no-camera', 'unsupported', 'no-recorder', 'busy', 'failed']

/** What we tell the agent about a camera problem, in the interface language. */
export const cameraProblemText = (p: CameraProblem): string => i18n.global.t(`chat.camera.problem.${PROBLEM_KEYS[p]}`)

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
