import type { Agent } from 'node:https'
import webpush from 'web-push'
import type { Kysely } from 'kysely'
import type { Conversation, Message, PushPayload, PushRules } from '../api-types.js'
import type { DB } from '../db/schema.js'
import type { Published } from './pubsub.js'

const DEFAULT_RULES: PushRules = { maxDevices: 3, preview: true }
const RETRY_MS = [1000, 5000, 25000]

export interface VapidKeys { publicKey: string; privateKey: string }

async function getSetting<T>(db: Kysely<DB>, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
  return row ? (JSON.parse(row.value) as T) : undefined
}

async function putSetting(db: Kysely<DB>, key: string, value: unknown, overwrite = true) {
  const v = JSON.stringify(value)
  await db.insertInto('settings').values({ key, value: v })
    .onConflict((oc) => (overwrite ? oc.column('key').doUpdateSet({ value: v }) : oc.column('key').doNothing()))
    .execute()
}

/** VAPID keys: made on first start and kept in the database, so every process signs alike. */
export async function vapidKeys(db: Kysely<DB>): Promise<VapidKeys> {
  const existing = await getSetting<VapidKeys>(db, 'vapid')
  if (existing) return existing
  // Insert-if-absent, then read back: two processes starting together agree on one pair.
  await putSetting(db, 'vapid', webpush.generateVAPIDKeys(), false)
  return (await getSetting<VapidKeys>(db, 'vapid'))!
}

export async function getPushRules(db: Kysely<DB>): Promise<PushRules> {
  return { ...DEFAULT_RULES, ...(await getSetting<Partial<PushRules>>(db, 'push_rules')) }
}

export async function setPushRules(db: Kysely<DB>, rules: PushRules): Promise<PushRules> {
  await putSetting(db, 'push_rules', rules)
  return rules
}

/**
 * The devices a push about `conversationId` goes to: the user's unblocked devices, except one that
 * has that conversation on screen right now, i.e. whose viewing mark is for it and whose lease
 * (`viewing_until`, renewed by the device's open socket) has not run out. A mark left by a socket
 * whose process died stops counting when its lease lapses.
 */
export async function pushTargets(db: Kysely<DB>, userId: string, conversationId: string | null, now = Date.now()) {
  let q = db.selectFrom('push_devices').select(['id', 'endpoint', 'p256dh', 'auth']).where('user_id', '=', userId).where('blocked', '=', 0)
  if (conversationId) {
    q = q.where((eb) => eb.or([
      eb('viewing_conversation_id', 'is', null),
      eb('viewing_conversation_id', '!=', conversationId),
      eb('viewing_until', 'is', null),
      eb('viewing_until', '<=', now),
    ]))
  }
  return q.orderBy('created_at').execute()
}

export interface PushOptions {
  subject: string
  /** Tests talk to a local push service with its own certificate. */
  agent?: Agent
  log: { warn(obj: unknown, msg: string): void; error(obj: unknown, msg: string): void }
  sleep?: (ms: number) => Promise<void>
}

export interface PushService {
  /** Sends to every unblocked device of the user, except one showing `skipConversation`. */
  sendToUser(userId: string, payload: PushPayload, opts?: { ttl?: number; urgency?: 'high' | 'normal' }): Promise<number>
  /** Looks at committed events and pushes what agents must hear about. */
  onPublished(p: Published): void
  /** Resolves when every push started so far has finished (tests). */
  idle(): Promise<void>
}

export function createPushService(db: Kysely<DB>, opts: PushOptions): PushService {
  const inflight = new Set<Promise<unknown>>()
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)))
  const track = (p: Promise<unknown>) => {
    inflight.add(p)
    p.finally(() => inflight.delete(p)).catch(() => undefined)
  }

  async function deliver(device: { id: string; endpoint: string; p256dh: string; auth: string }, body: string, ttl: number, urgency: 'high' | 'normal') {
    const keys = await vapidKeys(db)
    for (let attempt = 0; ; attempt++) {
      try {
        await webpush.sendNotification(
          { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
          body,
          { TTL: ttl, urgency, contentEncoding: 'aes128gcm', vapidDetails: { subject: opts.subject, ...keys }, ...(opts.agent ? { agent: opts.agent } : {}) },
        )
        await db.updateTable('push_devices').set({ last_push_at: Date.now() }).where('id', '=', device.id).execute()
        return
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode
        if (status === 404 || status === 410) {
          // The subscription is gone for good (app uninstalled, permission withdrawn).
          await db.deleteFrom('push_devices').where('id', '=', device.id).execute()
          opts.log.warn({ device: device.id, status }, 'push subscription expired; removed')
          return
        }
        const delay = RETRY_MS[attempt]
        if (delay === undefined || (status !== undefined && status < 500 && status !== 429)) {
          opts.log.error({ device: device.id, status, err: String(err) }, 'push failed')
          return
        }
        await sleep(delay)
      }
    }
  }

  async function sendToUser(userId: string, payload: PushPayload, o: { ttl?: number; urgency?: 'high' | 'normal' } = {}) {
    const devices = await pushTargets(db, userId, payload.conversationId)
    const body = JSON.stringify(payload)
    await Promise.all(devices.map((d) => deliver(d, body, o.ttl ?? 3600, o.urgency ?? 'high')))
    return devices.length
  }

  async function handle(p: Published) {
    if (p.kind !== 'event') return
    const { event } = p
    if (event.type === 'message.created' && 'message' in event.data) {
      const m: Message = event.data.message
      if (m.authorKind !== 'customer') return
      const conv = await db.selectFrom('conversations as c').innerJoin('users as u', 'u.id', 'c.agent_id')
        .select(['c.agent_id', 'u.notify_messages']).where('c.id', '=', m.conversationId).where('c.state', '=', 'picked').executeTakeFirst()
      if (!conv?.agent_id || conv.notify_messages === 0) return
      const rules = await getPushRules(db)
      const body = rules.preview ? (m.text || (m.attachments.length ? '📎 Attachment' : 'New message')).slice(0, 120) : 'New message'
      await sendToUser(conv.agent_id, { kind: 'message', conversationId: m.conversationId, title: m.authorName ?? 'Customer', body })
    } else if (event.type === 'conversation.updated' && 'conversation' in event.data && 'offeredTo' in event.data.conversation) {
      const c: Conversation = event.data.conversation
      if (c.state !== 'offered' || !c.offeredTo || !c.offerExpiresAt) return
      // One event per queue can describe the same offer (a transfer); push once per offer.
      const key = `${c.id}:${c.offeredTo}:${c.offerExpiresAt}`
      if (recentOffers.has(key)) return
      recentOffers.add(key)
      setTimeout(() => recentOffers.delete(key), 60_000).unref()
      const transferred = c.lastMessage?.authorKind === 'system' && c.lastMessage.text.startsWith('Transferred')
      const ttl = Math.max(1, Math.round((c.offerExpiresAt - Date.now()) / 1000))
      await sendToUser(c.offeredTo, {
        kind: transferred ? 'transfer' : 'offer', conversationId: c.id, title: c.customer.name || c.customer.phone || 'Customer',
        body: transferred ? `Transferred to you in ${c.queue.name}` : `New chat in ${c.queue.name}`, expiresAt: c.offerExpiresAt,
      }, { ttl })
    }
  }
  const recentOffers = new Set<string>()

  return {
    sendToUser,
    onPublished(p) {
      track(handle(p).catch((err: unknown) => opts.log.error({ err: String(err) }, 'push handling failed')))
    },
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight])
    },
  }
}
