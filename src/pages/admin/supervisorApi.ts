import type { Conversation, ReassignAction } from '@/kernel/contract'
import { apiJson } from '@/kernel/http/client'
import { uuid } from '@/kernel/uuid'

/** Every open conversation (queued, offered, picked) in every queue, waiting longest first. */
export const listOpen = () => apiJson<{ conversations: Conversation[] }>('GET', 'admin/open').then((r) => r.conversations)

/**
 * A supervisor's move (POST /api/admin/conversations/:id/reassign): `offer`/`assign` need
 * `agentId`; `queue` takes `queueId` (default: its current queue); `takeover` makes it mine.
 * Rejects with ApiError (409 agent_unavailable, not_member, same_agent, conversation_ended).
 */
export function reassign(id: string, action: ReassignAction, target: { agentId?: string; queueId?: string } = {}) {
  return apiJson<{ conversation?: Conversation }>('POST', `admin/conversations/${id}/reassign`, {
    json: { clientId: uuid(), action, ...target },
  }).then((r) => r.conversation ?? null)
}
