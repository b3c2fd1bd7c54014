/**
 * Input methods (Japanese, Chinese, Korean, …, and many phone keyboards) compose text over several
 * keys, and the Enter that confirms a conversion must not act as a shortcut (send, add, search).
 * Browsers disagree on how that Enter looks:
 *  - Chrome, Firefox: keydown with `isComposing` true (compositionend follows);
 *  - Safari: compositionend FIRST, then the confirming keydown with `isComposing` false and
 *    `keyCode` 229 ("an IME is processing this key");
 *  - some engines: compositionend, then a keydown in the same task with neither mark.
 * So a keydown counts as composing when `isComposing`, when `keyCode === 229`, or when it comes
 * before the next task after a `compositionend` (a flag set on compositionend and cleared by a
 * timer). Every Enter shortcut in the app asks `isCommitEnter` (or `isComposingKey`).
 */

/** The part of a keyboard event this looks at (a KeyboardEvent, or a fake in tests). */
export type KeyLike = Pick<KeyboardEvent, 'key' | 'isComposing' | 'keyCode'>

export interface ImeGuard {
  /** Whether this keydown belongs to an input method's composition (its confirming Enter included). */
  isComposingKey(e: KeyLike): boolean
}

/**
 * A guard listening for `compositionend` on `target` (capture phase, so every field below it counts).
 * `nextTask` schedules the flag's reset (setTimeout 0: after the current task and its microtasks).
 */
export function createImeGuard(target: EventTarget, nextTask: (fn: () => void) => void = (fn) => void setTimeout(fn, 0)): ImeGuard {
  let justEnded = false
  const onEnd = () => {
    justEnded = true
    nextTask(() => (justEnded = false))
  }
  target.addEventListener('compositionend', onEnd, true)
  return { isComposingKey: (e) => e.isComposing || e.keyCode === 229 || justEnded }
}

let guard: ImeGuard | null = null
/** The app's one guard, on the document (made on first use). */
function documentGuard(): ImeGuard | null {
  if (!guard && typeof document !== 'undefined') guard = createImeGuard(document)
  return guard
}
// Listen from the start: a compositionend before the first keydown is asked about must count.
documentGuard()

/** Whether this keydown is part of an input method's composition (see the module's comment). */
export function isComposingKey(e: KeyLike): boolean {
  return documentGuard()?.isComposingKey(e) ?? (e.isComposing || e.keyCode === 229)
}

/**
 * An Enter the user meant as Enter (not an input method confirming a conversion). Modifiers are
 * the caller's business (Shift+Enter for a new line).
 */
export function isCommitEnter(e: KeyLike): boolean {
  return e.key === 'Enter' && !isComposingKey(e)
}
