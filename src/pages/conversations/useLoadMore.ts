import { ref, watch, type Ref } from 'vue'

/**
 * Infinite scroll: when the last rendered row comes within `ahead` rows of the end, `more()`
 * runs (once at a time). `error` keeps the failure (a retry is the next scroll or `retry`).
 */
export function useLoadMore(lastIndex: Ref<number>, count: Ref<number>, more: () => Promise<void>, ahead = 8) {
  const error = ref(false)
  let running = false

  async function run() {
    if (running) return
    running = true
    error.value = false
    try {
      await more()
    } catch {
      error.value = true
    } finally {
      running = false
    }
  }

  watch([lastIndex, count], ([last, n]) => {
    if (n > 0 && last >= n - ahead && !error.value) void run()
  })

  return { error, retry: run }
}
