/**
 * What a feature keeps in module state for the signed-in agent (composer attachments, say) is
 * dropped on sign-out by the feature itself: it registers here, and the runtime runs them all
 * without knowing who they are (app/ never reaches into a feature's state).
 */
const resets = new Set<() => void>()

/** Registers `reset` to run on sign-out; answers the unregister function. */
export function onSignOutReset(reset: () => void): () => void {
  resets.add(reset)
  return () => resets.delete(reset)
}

/** Runs every registered reset (sign-out). One that throws does not stop the others. */
export function runSignOutResets(): void {
  for (const reset of resets) {
    try {
      reset()
    } catch (e) {
      console.warn('Parley: a reset failed on sign-out', e)
    }
  }
}
