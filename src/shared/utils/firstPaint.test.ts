import { describe, expect, it, vi } from 'vitest'

describe('afterFirstPaint', () => {
  it('waits for the page to say it painted, then one frame', async () => {
    vi.resetModules()
    const frames: FrameRequestCallback[] = []
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb))
    const { afterFirstPaint, markFirstPaint } = await import('./firstPaint')
    let started = false
    void afterFirstPaint(10_000).then(() => (started = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(started).toBe(false)
    markFirstPaint()
    await new Promise((r) => setTimeout(r, 0))
    expect(started).toBe(false)
    frames.shift()!(0)
    await vi.waitFor(() => expect(started).toBe(true))
    vi.unstubAllGlobals()
  })

  it('never waits longer than its bound (IndexedDB hanging: the page never marks)', async () => {
    vi.resetModules()
    const { afterFirstPaint } = await import('./firstPaint')
    let started = false
    void afterFirstPaint(30).then(() => (started = true))
    await new Promise((r) => setTimeout(r, 10))
    expect(started).toBe(false)
    await vi.waitFor(() => expect(started).toBe(true))
  })
})
