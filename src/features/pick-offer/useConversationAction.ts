import { ref } from 'vue'
import { useRouter } from 'vue-router'
import { useConversationStore } from '@/entities/conversation/store'
import type { Conversation } from '@/entities/conversation/types'

/**
 * One answer at a time to a queued or offered conversation (Pick, Accept, Reject): `busyId` names
 * the conversation while its request runs, `error` says why the last one failed. `run` calls
 * `action`, opens the conversation when `open` is set, and on failure asks `explain` for the
 * sentence to show ('' shows nothing) and whether the conversation is gone from this list.
 */
export function useConversationAction() {
  const store = useConversationStore()
  const router = useRouter()
  const busyId = ref<string | null>(null)
  const error = ref('')

  async function run(
    c: Conversation,
    action: () => Promise<unknown>,
    explain: (e: unknown) => { message: string; gone: boolean },
    open = false,
  ): Promise<void> {
    if (busyId.value) return
    busyId.value = c.id
    error.value = ''
    try {
      await action()
      if (open) await router.push(`/conversations/${c.id}`)
    } catch (e) {
      const { message, gone } = explain(e)
      error.value = message
      if (gone) store.remove(c.id)
    } finally {
      busyId.value = null
    }
  }

  return { run, busyId, error, store }
}
