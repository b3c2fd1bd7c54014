import { getCurrentScope, onScopeDispose, ref, type Ref } from 'vue'

const now = ref(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | null = null

/**
 * The current time (epoch ms), updated every 30 s by one timer shared by every user (waiting
 * times); the timer stops when the last user's scope ends.
 */
export function useNow(): Ref<number> {
  if (!getCurrentScope()) return now
  users++
  if (!timer) {
    now.value = Date.now()
    timer = setInterval(() => (now.value = Date.now()), 30_000)
  }
  onScopeDispose(() => {
    if (--users === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  })
  return now
}
