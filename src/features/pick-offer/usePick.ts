import { isApiError } from '@/kernel/http/errors'
import { i18n } from '@/shared/i18n'
import { errorText } from '@/shared/i18n/errors'
import { customerLabel, type Conversation } from '@/entities/conversation/types'
import { useConversationAction } from './useConversationAction'

/** Pick a queued conversation and open it; explain when someone was faster. */
export function usePick() {
  const { run, busyId: pickingId, error: pickError, store } = useConversationAction()

  const t = i18n.global.t
  const pick = (c: Conversation) =>
    run(c, () => store.pick(c.id), (e) => {
      const name = customerLabel(c)
      if (isApiError(e) && e.code === 'already_picked') return { message: t('list.alreadyPicked', { name }), gone: true }
      if (isApiError(e) && e.status === 404) return { message: t('list.noLongerWaiting', { name }), gone: true }
      return { message: errorText(e, t('list.pickFailed', { name })), gone: false }
    }, true)

  return { pick, pickingId, pickError }
}
