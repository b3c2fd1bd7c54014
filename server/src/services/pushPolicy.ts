// Who gets which push for which committed event. How it is sent is pushTransport.ts's business.
import type { Kysely } from 'kysely'
import type { Conversation, Message, PushPayload, PushRules } from '../api-types.js'
import type { DB } from '../db/schema.js'
import { getSetting, putSetting } from '../db/repositories/settings.js'
import { pickedAgentOf } from '../db/repositories/conversations.js'
import { userLocale } from '../db/repositories/users.js'
import { pushText, pushWords } from '../i18n/index.js'
import type { Published } from './pubsub.js'
import type { DeliveryOptions } from './pushTransport.js'
import { cutText, isolate, TEXT_LIMITS } from '../text.js'

const DEFAULT_RULES: PushRules = { maxDevices: 3, preview: true }

export async function getPushRules(db: Kysely<DB>): Promise<PushRules> {
  return { ...DEFAULT_RULES, ...(await getSetting<Partial<PushRules>>(db, 'push_rules')) }
}

export async function setPushRules(db: Kysely<DB>, rules: PushRules): Promise<PushRules> {
  await putSetting(db, 'push_rules', rules)
  return rules
}

/**
 * A message's text as a push shows it: at most TEXT_LIMITS.pushPreview graphemes (and 480 UTF-16
 * units, so a payload stays far under the push services' 4 KB), cut between graphemes with "…".
 */
export const pushPreview = (text: string): string => cutText(text, TEXT_LIMITS.pushPreview, { maxUnits: 480 })

/** One push to send: to every eligible device of `userId`. */
export interface Notification { userId: string; payload: PushPayload; delivery: DeliveryOptions }

/**
 * The policy: for a committed event, the notifications agents must get.
 *  - A customer's message in a picked conversation: its agent, unless they turned message
 *    notifications off; the text only when the admin allows previews (pushPreview: cut between
 *    graphemes, never inside an emoji).
 *  - An offer (`conversation.updated` in state offered): the agent it is offered to, once per
 *    offer (a transfer describes one offer in an event per queue), kept until the offer expires.
 *    It reads "Transferred to you" when the event was published by a transfer (`cause`), else
 *    "New chat".
 *    An update that only says the waiting time changed (`cause` 'waiting') is no new offer.
 *  - A supervisor's direct assignment (`cause` 'assign', state picked): the agent who got it.
 *  - The server set an agent Away after missed offers (`user`, cause 'missed_offers'): that agent.
 * Texts are in the receiving agent's language (users.locale; English when none is chosen).
 * Stateful only for that once-per-offer memory (60 s, per process).
 */
export function createPushPolicy(db: Kysely<DB>): (p: Published) => Promise<Notification[]> {
  const recentOffers = new Set<string>()
  return async (p) => {
    if (p.kind === 'user' && p.cause === 'missed_offers') {
      const locale = p.user.locale
      return [{
        userId: p.user.id,
        payload: { kind: 'away', conversationId: null, title: pushText(locale, 'awayTitle'), body: pushText(locale, 'awayBody'), words: pushWords(locale) },
        delivery: { urgency: 'high' },
      }]
    }
    if (p.kind !== 'event') return []
    if (p.cause === 'waiting' || p.visibility === 'customer') return []
    const { event } = p
    if (event.type === 'message.created') {
      const m: Message = event.data.message
      if (m.authorKind !== 'customer') return []
      const agent = await pickedAgentOf(db, m.conversationId)
      if (!agent || !agent.notifyMessages) return []
      const rules = await getPushRules(db)
      const newMessage = pushText(agent.locale, 'newMessage')
      const body = rules.preview ? pushPreview(m.text || (m.attachments.length ? pushText(agent.locale, 'attachment') : newMessage)) : newMessage
      return [{ userId: agent.id, payload: { kind: 'message', conversationId: m.conversationId, title: m.authorName ?? pushText(agent.locale, 'customer'), body, words: pushWords(agent.locale) }, delivery: {} }]
    }
    if (event.type === 'conversation.updated' && 'offeredTo' in event.data.conversation && p.cause === 'assign') {
      const c: Conversation = event.data.conversation
      if (c.state !== 'picked' || !c.agentId) return []
      const locale = await userLocale(db, c.agentId)
      return [{
        userId: c.agentId,
        payload: { kind: 'assigned', conversationId: c.id, title: c.customer.name || c.customer.phone || pushText(locale, 'customer'), body: pushText(locale, 'assigned', { queue: isolate(c.queue.name) }), words: pushWords(locale) },
        delivery: {},
      }]
    }
    if (event.type === 'conversation.updated' && 'offeredTo' in event.data.conversation) {
      const c: Conversation = event.data.conversation
      if (c.state !== 'offered' || !c.offeredTo || !c.offerExpiresAt) return []
      const key = `${c.id}:${c.offeredTo}:${c.offerExpiresAt}`
      if (recentOffers.has(key)) return []
      recentOffers.add(key)
      setTimeout(() => recentOffers.delete(key), 60_000).unref()
      const transferred = p.cause === 'transfer'
      const ttl = Math.max(1, Math.round((c.offerExpiresAt - Date.now()) / 1000))
      const locale = await userLocale(db, c.offeredTo)
      const queue = isolate(c.queue.name)
      return [{
        userId: c.offeredTo,
        payload: {
          kind: transferred ? 'transfer' : 'offer', conversationId: c.id, title: c.customer.name || c.customer.phone || pushText(locale, 'customer'),
          body: pushText(locale, transferred ? 'transferred' : 'newChat', { queue }), expiresAt: c.offerExpiresAt, words: pushWords(locale),
        },
        delivery: { ttl },
      }]
    }
    return []
  }
}
