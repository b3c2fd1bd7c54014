import type { Agent } from 'node:https'
import webpush from 'web-push'
import type { Kysely } from 'kysely'
import type { Conversation, Message, PushPayload, PushRules } from '../api-types.js'
import type { DB } from '../db/schema.js'
import type { Published } from './pubsub.js'
import { checkPushEndpoint, createPushAgent, isRefusal } from './pushEndpoint.js'

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
 * The devices a push about `conversationId` goes to: an active user's unblocked devices, except one that
 * has that conversation on screen right now, i.e. whose viewing mark is for it and whose lease
 * (`viewing_until`, renewed by the device's open socket) has not run out. A mark left by a socket
 * whose process died stops counting when its lease lapses.
 */
export async function pushTargets(db: Kysely<DB>, userId: string, conversationId: string | null, now = Date.now()) {
  // Only an active user's devices: the one place that makes "no push to a deactivated agent" hold.
  let q = db.selectFrom('push_devices as d').innerJoin('users as u', 'u.id', 'd.user_id')
    .select(['d.id', 'd.endpoint', 'd.p256dh', 'd.auth'])
    .where('d.user_id', '=', userId).where('d.blocked', '=', 0).where('u.active', '=', 1)
  if (conversationId) {
    q = q.where((eb) => eb.or([
      eb('d.viewing_conversation_id', 'is', null),
      eb('d.viewing_conversation_id', '!=', conversationId),
      eb('d.viewing_until', 'is', null),
      eb('d.viewing_until', '<=', now),
    ]))
  }
  return q.orderBy('d.created_at').execute()
}

export interface PushOptions {
  subject: string
  /** Hosts (and `*.domain` patterns) of the push services endpoints may point to (PUSH_SERVICE_HOSTS). */
  serviceHosts: readonly string[]
  /**
   * Tests only: a local fake push service. Endpoints at exactly this origin skip the host and
   * address checks and go through `agent` (which trusts the fake's certificate). Only code that
   * calls buildApp can set it: no environment variable or request reaches it.
   */
  testService?: { origin: string; agent: Agent } | undefined
  log: { warn(obj: unknown, msg: string): void; error(obj: unknown, msg: string): void }
  sleep?: (ms: number) => Promise<void>
}

export interface PushService {
  /**
   * The registration check of an endpoint (see checkPushEndpoint).
   * @throws PushEndpointRefused with a message for the user
   */
  checkEndpoint(endpoint: string): void
  /** Sends to every unblocked device of the user, except one showing `skipConversation`. */
  sendToUser(userId: string, payload: PushPayload, opts?: { ttl?: number; urgency?: 'high' | 'normal' }): Promise<number>
  /** Looks at committed events and pushes what agents must hear about. */
  onPublished(p: Published): void
  /** Resolves when every push started so far has finished (tests). */
  idle(): Promise<void>
  /** Closes the kept-alive connections to push services (server shutdown). */
  close(): void
}

export function createPushService(db: Kysely<DB>, opts: PushOptions): PushService {
  const inflight = new Set<Promise<unknown>>()
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)))
  // Every real push goes through this agent: its lookup refuses special-use addresses and pins
  // the connection to the addresses it checked.
  const guarded = createPushAgent()
  const isTestService = (endpoint: string) => {
    if (!opts.testService) return false
    try {
      return new URL(endpoint).origin === opts.testService.origin
    } catch {
      return false
    }
  }
  function checkEndpoint(endpoint: string) {
    if (!isTestService(endpoint)) checkPushEndpoint(endpoint, opts.serviceHosts)
  }
  const track = (p: Promise<unknown>) => {
    inflight.add(p)
    p.finally(() => inflight.delete(p)).catch(() => undefined)
  }

  async function deliver(device: { id: string; endpoint: string; p256dh: string; auth: string }, body: string, ttl: number, urgency: 'high' | 'normal') {
    const keys = await vapidKeys(db)
    const agent = isTestService(device.endpoint) ? opts.testService!.agent : guarded
    for (let attempt = 0; ; attempt++) {
      try {
        // Checked before every attempt, not only at registration: the allow-list may have shrunk
        // since, and a row may predate the rule.
        checkEndpoint(device.endpoint)
        await webpush.sendNotification(
          { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
          body,
          { TTL: ttl, urgency, contentEncoding: 'aes128gcm', vapidDetails: { subject: opts.subject, ...keys }, agent, timeout: 15_000 },
        )
        await db.updateTable('push_devices').set({ last_push_at: Date.now() }).where('id', '=', device.id).execute()
        return
      } catch (err) {
        if (isRefusal(err)) {
          // Not where a push may go: no retry. The row stays (an admin may widen the allow-list).
          opts.log.warn({ device: device.id, reason: (err as Error).message }, 'push endpoint refused')
          return
        }
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
    checkEndpoint,
    sendToUser,
    onPublished(p) {
      track(handle(p).catch((err: unknown) => opts.log.error({ err: String(err) }, 'push handling failed')))
    },
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight])
    },
    close() {
      guarded.destroy()
    },
  }
}
