import { nextTick, onBeforeUnmount, ref } from 'vue'

/** Success feedback for a role="status" region: clears, then sets, so a repeated message is announced again. */
export function useAdminStatus(clearAfterMs = 10_000) {
  const status = ref('')
  let timer: ReturnType<typeof setTimeout> | undefined

  async function announce(message: string) {
    clearTimeout(timer)
    status.value = ''
    await nextTick()
    status.value = message
    timer = setTimeout(() => (status.value = ''), clearAfterMs)
  }

  onBeforeUnmount(() => clearTimeout(timer))
  return { status, announce }
}
