import { isApiError } from '@/kernel/http/errors'
import { i18n } from '@/shared/i18n'
import { errorText } from '@/shared/i18n/errors'
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
        ? { message: i18n.global.t('list.offerGone', { name: customerLabel(c) }), gone: true }
        : { message: errorText(e, i18n.global.t('list.acceptFailed', { name: customerLabel(c) })), gone: false },
    true)

  // A rejected offer that is gone anyway needs no sentence.
  const reject = (c: Conversation) =>
    run(c, () => store.reject(c.id), (e) =>
      gone(e) ? { message: '', gone: true } : { message: errorText(e, i18n.global.t('list.rejectFailed', { name: customerLabel(c) })), gone: false })

  return { accept, reject, answeringId, offerError }
}
