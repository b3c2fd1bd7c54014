import { errorMessage, isApiError } from '@/kernel/http/errors'
import { customerLabel, type Conversation } from '@/entities/conversation/types'
import { useConversationAction } from './useConversationAction'

/** Pick a queued conversation and open it; explain when someone was faster. */
export function usePick() {
  const { run, busyId: pickingId, error: pickError, store } = useConversationAction()

  const pick = (c: Conversation) =>
    run(c, () => store.pick(c.id), (e) => {
      if (isApiError(e) && e.code === 'already_picked') return { message: `${customerLabel(c)} was already picked by another agent`, gone: true }
      if (isApiError(e) && e.status === 404) return { message: `${customerLabel(c)} is no longer waiting`, gone: true }
      return { message: errorMessage(e, `Could not pick ${customerLabel(c)}. Please try again.`), gone: false }
    }, true)

  return { pick, pickingId, pickError }
}
