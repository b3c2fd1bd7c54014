// Kysely table types. Times are epoch milliseconds (bigint in PostgreSQL, parsed to number);
// booleans are 0/1 integers so both backends read the same.
import type { Generated } from 'kysely'

export interface UsersTable {
  id: string
  username: string
  display_name: string
  role: 'agent' | 'admin'
  password_hash: string
  active: number
  presence: 'available' | 'away'
  max_concurrent: number
  created_at: number
  last_assigned_at: number | null
  notify_messages: Generated<number>
  /** Offers in a row this agent let time out (reset by Accept, Reject and choosing Available). */
  missed_offers: Generated<number>
  /** Why the server set them Away ('missed_offers'), null when they chose it. */
  away_reason: 'missed_offers' | null
  away_since: number | null
  /** Interface language (api-types Locale); null = the browser's. */
  locale: string | null
}

export interface SessionsTable {
  id: string // sha256 of the cookie token
  user_id: string
  created_at: number
  expires_at: number
}

export interface QueuesTable {
  id: string
  name: string
  address: string
  routing_mode: 'picklist' | 'offer'
  created_at: number
  /** JSON array of origins that may frame this queue's chat page (`https://shop.example`). */
  embed_origins: Generated<string>
  /** JSON OpeningHours (services/openingHours.ts), or null: always open. */
  opening_hours: string | null
}

export interface QueueMembersTable {
  queue_id: string
  user_id: string
}

export interface CustomersTable {
  id: string
  name: string
  email: string | null
  phone: string | null
  created_at: number
  /** How conversations are linked to this customer: null (one conversation, nothing proven). */
  identity_kind: 'device' | 'website' | null
  /** Unique: 'device:<sha256 of the device key>' or 'website:<sha256 of the signed user id>'. */
  identity_key: string | null
  /** The user id the company's website signed (identity_kind 'website'). */
  external_id: string | null
}

export interface ConversationsTable {
  id: string
  customer_id: string
  queue_id: string
  channel: string
  state: 'queued' | 'offered' | 'picked' | 'ended'
  agent_id: string | null
  arrived_at: number
  picked_at: number | null
  ended_at: number | null
  last_message_at: number | null
  last_seq: number
  customer_token_hash: string
  customer_delivered_seq: number
  customer_read_seq: number
  offered_to: string | null
  offer_expires_at: number | null
  /** The client id of the last transfer (a retried queued Transfer answers with the result). */
  transfer_client_id: string | null
  /** What the customer typed when starting this chat (never verified). */
  contact_name: string
  contact_email: string | null
  contact_phone: string | null
  /** Set when the customer token was revoked (it then opens nothing). */
  customer_token_revoked_at: number | null
  /** The agent who made that transfer (null on rows from before migration 0007). */
  transfer_by: string | null
  /** The customer's oldest message not yet answered by an agent (epoch ms), null when answered or ended. */
  waiting_since: number | null
  /** Highest seq an agent's app has received / an agent has read (the customer's receipts). */
  agent_delivered_seq: Generated<number>
  agent_read_seq: Generated<number>
  /** The customer's rating of the ended chat (1–5), its optional comment, and when it was given. */
  rating: number | null
  rating_comment: string | null
  rated_at: number | null
}

export interface MessagesTable {
  id: string
  conversation_id: string
  seq: number
  client_id: string
  author_kind: 'customer' | 'agent' | 'system'
  author_id: string | null
  text: string
  created_at: number
}

export interface NotesTable {
  id: string
  conversation_id: string
  author_id: string
  text: string
  created_at: number
  /** The app's id for a note written through the outbox (a resend answers the stored note). */
  client_id: string | null
}

export interface EventsTable {
  id: Generated<number>
  /**
   * PostgreSQL only (0010): the event's place in the stream, the cursor clients hold:
   * transaction id × EVENTS_PER_TRANSACTION + the event's index in its transaction
   * (repositories/events.ts). SQLite has no such column: there the id is the place.
   */
  pos: Generated<number>
  type: string
  conversation_id: string
  queue_id: string
  /** 'public' reaches the customer too; 'internal' only agents. */
  visibility: EventVisibility
  payload: string
  created_at: number
}

export interface AgentReadsTable {
  user_id: string
  conversation_id: string
  last_read_seq: number
}

export interface OfferDeclinesTable {
  conversation_id: string
  user_id: string
  reason: 'rejected' | 'timeout'
  created_at: number
}

export interface AttachmentsTable {
  id: string
  conversation_id: string
  message_id: string | null
  uploader_kind: 'agent' | 'customer'
  uploader_id: string | null
  file_name: string
  mime: string
  ext: string
  kind: 'image' | 'video' | 'document'
  size: number
  width: number | null
  height: number | null
  storage_key: string
  thumb_key: string | null
  preview_key: string | null
  created_at: number
}

export interface BlobsTable {
  key: string
  data: Buffer
  created_at: number
}

export interface PushDevicesTable {
  id: string
  user_id: string
  name: string
  endpoint: string
  p256dh: string
  auth: string
  session_id: string | null
  blocked: number
  viewing_conversation_id: string | null
  /** Until when (epoch ms) the viewing mark holds; renewed by the device's open socket. */
  viewing_until: number | null
  created_at: number
  last_push_at: number | null
}

export interface SettingsTable {
  key: string
  value: string
}

/** Fixed-window counters shared by every server process (sign-in throttling). */
export interface RateLimitsTable {
  key: string
  hits: number
  /** When the current window ends (epoch ms). */
  reset_at: number
}

/** Canned responses (issue 14): shared (owner_id null) or one agent's personal ones. */
export interface CannedResponsesTable {
  id: string
  owner_id: string | null
  /** owner_id, or '' for shared ones: (owner_key, shortcut) is unique. */
  owner_key: string
  title: string
  /** Lowercase, no spaces or '/'. */
  shortcut: string | null
  text: string
  /** 1: shared with every queue; 0: only the queues in canned_response_queues. */
  all_queues: number
  created_at: number
  updated_at: number
}

export interface CannedResponseQueuesTable {
  response_id: string
  queue_id: string
}

export interface DB {
  canned_responses: CannedResponsesTable
  canned_response_queues: CannedResponseQueuesTable
  users: UsersTable
  sessions: SessionsTable
  queues: QueuesTable
  queue_members: QueueMembersTable
  customers: CustomersTable
  conversations: ConversationsTable
  messages: MessagesTable
  notes: NotesTable
  events: EventsTable
  agent_reads: AgentReadsTable
  settings: SettingsTable
  offer_declines: OfferDeclinesTable
  attachments: AttachmentsTable
  blobs: BlobsTable
  push_devices: PushDevicesTable
  rate_limits: RateLimitsTable
}

/** Who may see an event: see services/pubsub.ts Visibility. */
export type EventVisibility = 'public' | 'internal' | 'customer'
