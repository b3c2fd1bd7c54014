import { errorMessage, isApiError } from '@/kernel/http/errors'
import { customerLabel, type Conversation } from '@/entities/conversation/types'
import { useConversationAction } from './useConversationAction'

/** The offer ran out, was taken, or the conversation is no longer there. */
const gone = (e: unknown): boolean => isApiError(e) && (e.code === 'offer_gone' || e.status === 404 || e.status === 409)

/** Accept (then open) or Reject an offer made to me; explain when the offer is gone. */
export function useOfferAnswer() {
  const { run, busyId: answeringId, error: offerError, store } = useConversationAction()

  const accept = (c: Conversation) =>
    run(c, () => store.accept(c.id), (e) =>
      gone(e)
        ? { message: `The offer of ${customerLabel(c)} has run out or was taken by someone else`, gone: true }
        : { message: errorMessage(e, `Could not accept ${customerLabel(c)}. Please try again.`), gone: false },
    true)

  // A rejected offer that is gone anyway needs no sentence.
  const reject = (c: Conversation) =>
    run(c, () => store.reject(c.id), (e) =>
      gone(e) ? { message: '', gone: true } : { message: errorMessage(e, `Could not reject ${customerLabel(c)}. Please try again.`), gone: false })

  return { accept, reject, answeringId, offerError }
}
