import { ref } from 'vue'
import { useRouter } from 'vue-router'
import { errorMessage, isApiError } from '@/kernel/http/errors'
import { useConversationStore } from '@/entities/conversation/store'
import { customerLabel, type Conversation } from '@/entities/conversation/types'

/** Pick a queued conversation and open it; explain when someone was faster. */
export function usePick() {
  const store = useConversationStore()
  const router = useRouter()
  const pickingId = ref<string | null>(null)
  const pickError = ref('')

  async function pick(c: Conversation) {
    if (pickingId.value) return
    pickingId.value = c.id
    pickError.value = ''
    try {
      await store.pick(c.id)
      await router.push(`/conversations/${c.id}`)
    } catch (e) {
      if (isApiError(e) && e.code === 'already_picked') {
        pickError.value = `${customerLabel(c)} was already picked by another agent`
        store.remove(c.id)
      } else if (isApiError(e) && e.status === 404) {
        pickError.value = `${customerLabel(c)} is no longer waiting`
        store.remove(c.id)
      } else {
        pickError.value = errorMessage(e, `Could not pick ${customerLabel(c)}. Please try again.`)
      }
    } finally {
      pickingId.value = null
    }
  }

  return { pick, pickingId, pickError }
}
