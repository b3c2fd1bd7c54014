// How a push is sent (Web Push, RFC 8030/8291/8292, through the `web-push` library): VAPID keys,
// delivery with retries, and the outbound endpoint guard (pushEndpoint.ts). Who gets which push
// is decided elsewhere (pushPolicy.ts).
import type { Agent } from 'node:https'
import type { Kysely } from 'kysely'
import type { PushPayload } from '../api-types.js'
import type { DB } from '../db/schema.js'
import { getSetting, putSetting } from '../db/repositories/settings.js'
import { deletePushDevice, markPushed, pushTargets } from '../db/repositories/pushDevices.js'
import { checkPushEndpoint, createPushAgent, isRefusal } from './pushEndpoint.js'

/** web-push (and its crypto and HTTP dependencies) loads on the first push or the first start, not with every process. */
const loadWebPush = async () => (await import('web-push')).default

/** Waits before the 2nd, 3rd and 4th attempt of a push the service refused for now (5xx, 429), in ms. */
const RETRY_MS = [1000, 5000, 25000]

export interface VapidKeys { publicKey: string; privateKey: string }

/** VAPID keys (RFC 8292): made on first start and kept in the database, so every process signs alike. */
export async function vapidKeys(db: Kysely<DB>): Promise<VapidKeys> {
  const existing = await getSetting<VapidKeys>(db, 'vapid')
  if (existing) return existing
  // Insert-if-absent, then read back: two processes starting together agree on one pair.
  await putSetting(db, 'vapid', (await loadWebPush()).generateVAPIDKeys(), false)
  return (await getSetting<VapidKeys>(db, 'vapid'))!
}

export interface PushTransportOptions {
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

/** TTL in seconds (how long the push service keeps it for an offline device) and RFC 8030 urgency. */
export interface DeliveryOptions { ttl?: number; urgency?: 'high' | 'normal' }

export interface PushTransport {
  /**
   * The registration check of an endpoint (see checkPushEndpoint).
   * @throws PushEndpointRefused with a message for the user
   */
  checkEndpoint(endpoint: string): void
  /** Sends to every unblocked device of the user, except one showing the payload's conversation; returns how many devices. */
  sendToUser(userId: string, payload: PushPayload, opts?: DeliveryOptions): Promise<number>
  /** Closes the kept-alive connections to push services (server shutdown). */
  close(): void
}

export function createPushTransport(db: Kysely<DB>, opts: PushTransportOptions): PushTransport {
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

  async function deliver(device: { id: string; endpoint: string; p256dh: string; auth: string }, body: string, ttl: number, urgency: 'high' | 'normal') {
    const keys = await vapidKeys(db)
    const agent = isTestService(device.endpoint) ? opts.testService!.agent : guarded
    for (let attempt = 0; ; attempt++) {
      try {
        // Checked before every attempt, not only at registration: the allow-list may have shrunk
        // since, and a row may predate the rule.
        checkEndpoint(device.endpoint)
        await (await loadWebPush()).sendNotification(
          { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
          body,
          { TTL: ttl, urgency, contentEncoding: 'aes128gcm', vapidDetails: { subject: opts.subject, ...keys }, agent, timeout: 15_000 },
        )
        await markPushed(db, device.id)
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
          await deletePushDevice(db, device.id)
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

  return {
    checkEndpoint,
    async sendToUser(userId, payload, o = {}) {
      const devices = await pushTargets(db, userId, payload.conversationId)
      const body = JSON.stringify(payload)
      await Promise.all(devices.map((d) => deliver(d, body, o.ttl ?? 3600, o.urgency ?? 'high')))
      return devices.length
    },
    close() {
      guarded.destroy()
    },
  }
}
