import type { Conversation } from '@/kernel/contract'
import type { Delivered, EnqueueInput, OutboxItem } from '@/kernel/outbox/outbox'
import { useOutbox } from '@/features/offline/useOutbox'
import { formatTime } from '@/shared/utils/time'
import { i18n } from '@/shared/i18n'

export type ActionResult =
  | { state: 'done'; result: Delivered }
  /** Offline (or the server is unreachable): stored, and done when the network is back. */
  | { state: 'queued' }
  | { state: 'refused'; error: string }

const SETTLE_MS = 8000

const t = i18n.global.t

/** "Will be done when you're back online." in the interface language. */
export const willBeDone = (): string => t('actions.willBeDone')

const WHAT = { note: 'actions.failed.note', end: 'actions.failed.end', transfer: 'actions.failed.transfer' } as const

/**
 * Why a queued action failed, in plain words, from what is known of the conversation now
 * ("Your note could not be saved: this chat was ended by Dana at 14:02").
 */
export function failureText(item: OutboxItem, conversation: Conversation | null, me: string | null): string {
  const what = t(WHAT[item.kind as keyof typeof WHAT] ?? 'actions.failed.message')
  const other = (name: string | null) => (name ? name : t('actions.why.anotherAgent'))
  let why = item.error || t('actions.why.refused')
  if (conversation?.state === 'ended' && conversation.endedAt) {
    const time = formatTime(conversation.endedAt)
    why = conversation.agentId === me ? t('actions.why.endedByYou', { time }) : t('actions.why.endedBy', { name: other(conversation.agentName), time })
  } else if (conversation && conversation.agentId && conversation.agentId !== me && item.kind !== 'note') {
    why = t('actions.why.handledBy', { name: other(conversation.agentName) })
  } else if (/not found/i.test(why)) {
    why = t('actions.why.transferredAway')
  }
  return t('actions.failedBecause', { what, why })
}

/** What a waiting action shows ("Waiting to send"). */
export function pendingText(item: OutboxItem): string {
  if (item.kind === 'end') return t('actions.pendingEnd')
  if (item.kind === 'transfer') {
    const target = item.transfer?.targetName
    return target ? t('actions.pendingTransfer', { target: target }) : t('actions.pendingTransferElsewhere')
  }
  return t('actions.waitingToSend')
}

/**
 * Internal notes, End chat and Transfer go through the outbox, after anything written before
 * them. Online, the dialog learns the answer at once; a refusal is shown there and nothing stays
 * queued (the dialog keeps what was typed). Offline, the action waits in the outbox.
 */
export function useQueuedAction() {
  const outbox = useOutbox()

  async function run(input: EnqueueInput): Promise<ActionResult> {
    // Behind a long upload of the same chat: don't hold the dialog, it goes in its turn.
    let late: ReturnType<typeof setTimeout> | undefined
    const waited = await Promise.race([
      outbox.submit(input),
      new Promise<null>((resolve) => (late = setTimeout(() => resolve(null), SETTLE_MS))),
    ])
    clearTimeout(late)
    if (!waited) return { state: 'queued' }
    const { item, settled } = waited
    if (settled.outcome === 'sent') return { state: 'done', result: settled.result }
    if (settled.outcome === 'queued') return { state: 'queued' }
    await outbox.discard(item.clientId)
    return { state: 'refused', error: settled.error }
  }

  return { run, actionsFor: outbox.actionsFor, retry: outbox.retry, discard: outbox.discard }
}
