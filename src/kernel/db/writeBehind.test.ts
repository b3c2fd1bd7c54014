import { describe, expect, it } from 'vitest'
import { writeBehind } from './writeBehind'

/** A write that waits until the test lets it finish. */
function gatedWriter() {
  const writes: number[][] = []
  const gates: Array<() => void> = []
  let pending: number[] = []
  let inFlight = 0
  let overlapped = false
  const schedule = writeBehind(async () => {
    const batch = pending
    pending = []
    writes.push(batch)
    if (++inFlight > 1) overlapped = true
    await new Promise<void>((resolve) => gates.push(resolve))
    inFlight--
  })
  return {
    change: (n: number) => { pending.push(n); schedule() },
    writes, finishNext: () => gates.shift()?.(),
    overlapped: () => overlapped,
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('writeBehind', () => {
  it('writes the changes of one task once, at the end of it', async () => {
    const w = gatedWriter()
    w.change(1); w.change(2); w.change(3)
    expect(w.writes).toEqual([])
    await tick()
    expect(w.writes).toEqual([[1, 2, 3]])
  })

  it('writes what changed during a write together right after it, never two at once', async () => {
    const w = gatedWriter()
    w.change(1)
    await tick()
    // Three tasks (say, socket frames) while the first write is in flight.
    w.change(2); await tick()
    w.change(3); await tick()
    w.change(4); await tick()
    expect(w.writes).toEqual([[1]])
    w.finishNext(); await tick()
    expect(w.writes).toEqual([[1], [2, 3, 4]])
    w.finishNext(); await tick()
    // Idle again: the next change writes at once.
    w.change(5); await tick()
    expect(w.writes).toEqual([[1], [2, 3, 4], [5]])
    expect(w.overlapped()).toBe(false)
  })

  it('a failed write does not stop the next ones', async () => {
    let calls = 0
    const schedule = writeBehind(async () => {
      calls++
      throw new Error('disk full')
    })
    schedule(); await tick()
    schedule(); await tick()
    expect(calls).toBe(2)
  })
})
