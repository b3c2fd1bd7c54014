import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { DbKind } from '../db/index.js'
import type { PubSub, Published } from './pubsub.js'
import type { UrlSigner } from './signedUrls.js'

/** What routes and services share: the database and the event bus. */
export interface AppContext {
  db: Kysely<DB>
  kind: DbKind
  pubsub: PubSub
  /** How long an offer waits for Accept before it moves on (ms). */
  offerMs: number
  /** How long a customer token keeps working after its chat ended (ms; CUSTOMER_TOKEN_DAYS). */
  customerTokenMs: number
  /** Signs customers' attachment URLs (services/signedUrls.ts). */
  signer: UrlSigner
  /** Called in the process that made the change, once per committed event (push notifications). */
  onCommitted?: (p: Published) => void
}
