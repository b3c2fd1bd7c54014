import { ref, type Ref } from 'vue'

/**
 * State for a UiConfirmDialog: `ask(target)` opens it, `confirm()` runs `action(target)` once at a time
 * (busy while it runs), closes on success and shows the error message (from `describe`) on failure,
 * keeping the dialog open so the user can try again or cancel.
 */
export function useConfirm<T>(action: (target: T) => Promise<void>, describe: (err: unknown) => Promise<string> | string) {
  const target = ref(null) as Ref<T | null>
  const busy = ref(false)
  const error = ref('')

  function ask(t: T) {
    error.value = ''
    target.value = t
  }
  function cancel() {
    target.value = null
  }
  async function confirm() {
    const t = target.value
    if (t === null || busy.value) return
    busy.value = true
    try {
      await action(t)
      target.value = null
    } catch (err) {
      error.value = await describe(err)
    } finally {
      busy.value = false
    }
  }
  return { target, busy, error, ask, cancel, confirm }
}
