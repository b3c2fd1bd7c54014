import type { Conversation } from '@/kernel/contract'
import type { Delivered, EnqueueInput, OutboxItem } from '@/kernel/outbox/outbox'
import { useOutbox } from '@/features/offline/useOutbox'
import { formatTime } from '@/shared/utils/time'

export type ActionResult =
  | { state: 'done'; result: Delivered }
  /** Offline (or the server is unreachable): stored, and done when the network is back. */
  | { state: 'queued' }
  | { state: 'refused'; error: string }

const SETTLE_MS = 8000

export const WILL_BE_DONE = "Will be done when you're back online."

const WHAT: Record<Exclude<OutboxItem['kind'], 'message' | undefined>, string> = {
  note: 'Your note could not be saved',
  end: 'The chat could not be ended',
  transfer: 'The chat could not be transferred',
}

/**
 * Why a queued action failed, in plain words, from what is known of the conversation now
 * ("Your note could not be saved: this chat was ended by Dana at 14:02").
 */
export function failureText(item: OutboxItem, conversation: Conversation | null, me: string | null): string {
  const what = WHAT[item.kind as keyof typeof WHAT] ?? 'Your message was not sent'
  let why = item.error || 'the server refused it'
  if (conversation?.state === 'ended' && conversation.endedAt) {
    why = `this chat was ended by ${conversation.agentId === me ? 'you' : conversation.agentName ?? 'another agent'} at ${formatTime(conversation.endedAt)}`
  } else if (conversation && conversation.agentId && conversation.agentId !== me && item.kind !== 'note') {
    why = `${conversation.agentName ?? 'another agent'} is handling this chat now`
  } else if (/not found/i.test(why)) {
    why = 'this chat was transferred where you can no longer see it'
  }
  return `${what}: ${why}.`
}

/** What a waiting action shows ("Waiting to send"). */
export function pendingText(item: OutboxItem): string {
  if (item.kind === 'end') return `End chat: ${WILL_BE_DONE}`
  if (item.kind === 'transfer') return `Transfer to ${item.transfer?.targetName ?? 'another queue'}: ${WILL_BE_DONE}`
  return 'Waiting to send'
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
