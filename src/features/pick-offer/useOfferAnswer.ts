import { ref } from 'vue'
import { useRouter } from 'vue-router'
import { errorMessage, isApiError } from '@/kernel/http/errors'
import { useConversationStore } from '@/entities/conversation/store'
import { customerLabel, type Conversation } from '@/entities/conversation/types'

/** Accept (then open) or Reject an offer made to me; explain when the offer is gone. */
export function useOfferAnswer() {
  const store = useConversationStore()
  const router = useRouter()
  const answeringId = ref<string | null>(null)
  const offerError = ref('')

  function gone(e: unknown): boolean {
    return isApiError(e) && (e.code === 'offer_gone' || e.status === 404 || e.status === 409)
  }

  async function accept(c: Conversation) {
    if (answeringId.value) return
    answeringId.value = c.id
    offerError.value = ''
    try {
      await store.accept(c.id)
      await router.push(`/conversations/${c.id}`)
    } catch (e) {
      if (gone(e)) {
        offerError.value = `The offer of ${customerLabel(c)} has run out or was taken by someone else`
        store.remove(c.id)
      } else {
        offerError.value = errorMessage(e, `Could not accept ${customerLabel(c)}. Please try again.`)
      }
    } finally {
      answeringId.value = null
    }
  }

  async function reject(c: Conversation) {
    if (answeringId.value) return
    answeringId.value = c.id
    offerError.value = ''
    try {
      await store.reject(c.id)
    } catch (e) {
      if (gone(e)) store.remove(c.id)
      else offerError.value = errorMessage(e, `Could not reject ${customerLabel(c)}. Please try again.`)
    } finally {
      answeringId.value = null
    }
  }

  return { accept, reject, answeringId, offerError }
}
