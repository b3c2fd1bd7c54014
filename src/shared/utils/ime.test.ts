import { describe, expect, it } from 'vitest'
import { createImeGuard, isCommitEnter, type KeyLike } from './ime'

const enter = (over: Partial<KeyLike> = {}): KeyLike => ({ key: 'Enter', isComposing: false, keyCode: 13, ...over })

/** A field and a hand-run task queue: `tick()` runs what setTimeout(0) would. */
function setup() {
  const field = new EventTarget()
  const tasks: (() => void)[] = []
  const guard = createImeGuard(field, (fn) => tasks.push(fn))
  const tick = () => tasks.splice(0).forEach((fn) => fn())
  return { field, guard, tick }
}

describe('IME-aware Enter', () => {
  it("Safari's order: compositionstart, compositionend, then keydown Enter (keyCode 229, isComposing false) is not an Enter", () => {
    const { field, guard, tick } = setup()
    field.dispatchEvent(new Event('compositionstart'))
    field.dispatchEvent(new Event('compositionend'))
    expect(guard.isComposingKey(enter({ keyCode: 229 }))).toBe(true)
    tick()
    // In a later task, keyCode 229 alone still marks it.
    expect(guard.isComposingKey(enter({ keyCode: 229 }))).toBe(true)
    // The next plain Enter sends.
    expect(guard.isComposingKey(enter())).toBe(false)
  })

  it('the same-task keydown right after compositionend is composing even without keyCode 229; the next task clears it', () => {
    const { field, guard, tick } = setup()
    field.dispatchEvent(new Event('compositionend'))
    expect(guard.isComposingKey(enter())).toBe(true)
    tick()
    expect(guard.isComposingKey(enter())).toBe(false)
  })

  it("Chrome's order: keydown Enter with isComposing true, then compositionend; the next Enter sends", () => {
    const { field, guard, tick } = setup()
    field.dispatchEvent(new Event('compositionstart'))
    expect(guard.isComposingKey(enter({ isComposing: true, keyCode: 229 }))).toBe(true)
    field.dispatchEvent(new Event('compositionend'))
    tick()
    expect(guard.isComposingKey(enter())).toBe(false)
  })

  it('a plain Enter without any composition is an Enter; other keys are not', () => {
    expect(isCommitEnter(enter())).toBe(true)
    expect(isCommitEnter(enter({ isComposing: true }))).toBe(false)
    expect(isCommitEnter(enter({ keyCode: 229 }))).toBe(false)
    expect(isCommitEnter({ key: 'a', isComposing: false, keyCode: 65 })).toBe(false)
  })
})
