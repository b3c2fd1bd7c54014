// Push notifications: the policy (pushPolicy.ts: who gets what) fed by committed events, sent by
// the transport (pushTransport.ts: Web Push delivery, retries, the endpoint guard).
import type { Kysely } from 'kysely'
import type { PushPayload } from '../api-types.js'
import type { DB } from '../db/schema.js'
import type { Published } from './pubsub.js'
import { createPushPolicy } from './pushPolicy.js'
import { createPushTransport, type DeliveryOptions, type PushTransportOptions } from './pushTransport.js'

export { getPushRules, setPushRules } from './pushPolicy.js'
export { vapidKeys, type VapidKeys } from './pushTransport.js'
export { pushTargets } from '../db/repositories/pushDevices.js'

export type PushOptions = PushTransportOptions

export interface PushService {
  /**
   * The registration check of an endpoint (see checkPushEndpoint).
   * @throws PushEndpointRefused with a message for the user
   */
  checkEndpoint(endpoint: string): void
  /** Sends to every unblocked device of the user, except one showing the payload's conversation. */
  sendToUser(userId: string, payload: PushPayload, opts?: DeliveryOptions): Promise<number>
  /** Looks at committed events and pushes what agents must hear about. */
  onPublished(p: Published): void
  /** Resolves when every push started so far has finished (tests). */
  idle(): Promise<void>
  /** Closes the kept-alive connections to push services (server shutdown). */
  close(): void
}

export function createPushService(db: Kysely<DB>, opts: PushOptions): PushService {
  const inflight = new Set<Promise<unknown>>()
  const transport = createPushTransport(db, opts)
  const policy = createPushPolicy(db)
  const track = (p: Promise<unknown>) => {
    inflight.add(p)
    p.finally(() => inflight.delete(p)).catch(() => undefined)
  }
  async function handle(p: Published) {
    const notifications = await policy(p)
    await Promise.all(notifications.map((n) => transport.sendToUser(n.userId, n.payload, n.delivery)))
  }
  return {
    checkEndpoint: transport.checkEndpoint,
    sendToUser: transport.sendToUser,
    onPublished(p) {
      track(handle(p).catch((err: unknown) => opts.log.error({ err: String(err) }, 'push handling failed')))
    },
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight])
    },
    close: transport.close,
  }
}
