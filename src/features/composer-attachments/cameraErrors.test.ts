import { describe, expect, it } from 'vitest'
import { CAMERA_PROBLEMS, cameraProblemText, cameraProblemOf, cameraSupport } from './cameraErrors'

const domError = (name: string) => Object.assign(new Error(name), { name })

describe('camera problems', () => {
  it('tells denied permission, no camera and a busy camera apart', () => {
    expect(cameraProblemOf(domError('NotAllowedError'))).toBe('denied')
    expect(cameraProblemOf(domError('SecurityError'))).toBe('denied')
    expect(cameraProblemOf(domError('NotFoundError'))).toBe('no-camera')
    expect(cameraProblemOf(domError('OverconstrainedError'))).toBe('no-camera')
    expect(cameraProblemOf(domError('NotReadableError'))).toBe('busy')
    expect(cameraProblemOf(domError('NotSupportedError'))).toBe('unsupported')
    expect(cameraProblemOf('weird')).toBe('failed')
  })

  it('checks support before asking', () => {
    expect(cameraSupport(undefined)).toBe('no-camera')
    expect(cameraSupport({})).toBe('no-camera')
    expect(cameraSupport({ mediaDevices: {} })).toBe('unsupported')
    expect(cameraSupport({ mediaDevices: { getUserMedia: () => undefined } })).toBeNull()
  })

  it('every problem offers the file picker in its message', () => {
    for (const p of CAMERA_PROBLEMS) expect(cameraProblemText(p)).toMatch(/file/)
  })
})
