// The JSON contract between the server and its clients (agent app, customer page).
// Type-only: the Vue app imports it with `import type`, so nothing here reaches a bundle.

export type Role = 'agent' | 'admin'
export type Presence = 'available' | 'away'
export type RoutingMode = 'picklist' | 'offer'
export type ConversationState = 'queued' | 'offered' | 'picked' | 'ended'
export type AuthorKind = 'customer' | 'agent' | 'system'

export interface ApiError {
  error: { code: string; message: string }
}

export interface User {
  id: string
  username: string
  displayName: string
  role: Role
  presence: Presence
  maxConcurrent: number
  active: boolean
  /** Push notifications for new customer messages in my conversations. */
  notifyMessages: boolean
  /**
   * Why the server set this user Away (issue 14, point 5): 'missed_offers' after the admin's
   * number of offers in a row timed out; null when the user chose their presence themselves.
   */
  awayReason?: AwayReason | null
  /** When the server set them Away (epoch ms), null with awayReason null. (Always sent; optional for data an older app cached.) */
  awaySince?: number | null
  /** The interface language I chose (also my push notifications' language); null = my browser's. */
  locale: Locale | null
}

/** Why the server (not the user) set a user Away. */
export type AwayReason = 'missed_offers'

/** Interface languages Parley ships (src/shared/i18n SUPPORTED_LOCALES; server/src/i18n LOCALES). */
export type Locale = 'en' | 'de' | 'es' | 'ar'

export interface QueueRef {
  id: string
  name: string
  address: string
}

export interface Queue extends QueueRef {
  routingMode: RoutingMode
  memberIds: string[]
  /** Origins (`https://shop.example`) whose pages may show this queue's chat in a frame. */
  embedOrigins: string[]
  /** When the queue is open; null: always. */
  openingHours: OpeningHours | null
}

/** One opening interval of a day, wall-clock "HH:MM" in the hours' zone (`to` may be "24:00"). */
export interface OpeningInterval {
  from: string
  to: string
}

/** A queue's week: `week[0]` Monday … `week[6]` Sunday, each day's intervals (empty: closed). */
export interface OpeningHours {
  /** IANA time zone, e.g. "Europe/Berlin". */
  timeZone: string
  week: OpeningInterval[][]
}

/** What the customer page knows of a queue before and during a chat. */
export interface PublicQueue {
  name: string
  address: string
  /** Open now by its hours (always true without hours). */
  open: boolean
  /** When closed: the next opening (epoch ms), or null when it has no opening hours at all. */
  opensAt: number | null
  /** Whether an agent of the queue is available now (active, presence Available). */
  agentsAvailable: boolean
}

/** A waiting customer's place: 1 = next; `etaSeconds` only once the queue has enough history. */
export interface QueueStatus {
  position: number
  etaSeconds: number | null
}

/** Ratings summed for one agent or one queue. `average` is 1–5 (null without ratings). */
export interface RatingSummary {
  id: string
  name: string
  count: number
  average: number | null
  /** How many ratings of each score: index 0 = score 1 … index 4 = score 5. */
  distribution: number[]
}

/** A recent rating with its comment (admin view). */
export interface RatingComment {
  conversationId: string
  score: number
  comment: string
  agentName: string | null
  queueName: string
  ratedAt: number
}

export interface RatingsReport {
  byAgent: RatingSummary[]
  byQueue: RatingSummary[]
  recentComments: RatingComment[]
}

/**
 * How a customer's conversations are linked (issue 10, point 6): 'website' (a user id signed by
 * the company's website), 'device' (the same browser), or 'none' (this conversation alone).
 */
export type CustomerVerification = 'website' | 'device' | 'none'

/** A conversation's customer: name, email and phone as typed for this conversation (never verified). */
export interface Customer {
  id: string
  name: string
  email: string | null
  phone: string | null
  /** Always sent by the server; absent only in conversations an older app version cached. */
  verification?: CustomerVerification
}

export interface MessagePreview {
  /** The message's text cut to TEXT_LIMITS.listPreview graphemes (text.ts cutText: "…" after a cut). */
  text: string
  authorKind: AuthorKind
  createdAt: number
}

export interface Conversation {
  id: string
  state: ConversationState
  channel: string
  queue: QueueRef
  customer: Customer
  agentId: string | null
  agentName: string | null
  arrivedAt: number
  endedAt: number | null
  lastMessageAt: number | null
  lastMessage: MessagePreview | null
  /** Customer messages the asking agent has not seen yet (0 for customers). */
  unread: number
  /** Highest seq the customer's device has received / shown. */
  customerDeliveredSeq: number
  customerReadSeq: number
  /** In offer-mode queues: the agent it is offered to, and until when (epoch ms). */
  offeredTo: string | null
  offerExpiresAt: number | null
  /**
   * Since when the customer has been waiting for a reply (epoch ms): the time of their oldest
   * message not yet answered by an agent message; null when answered, before their first message,
   * and once ended. System lines are not answers; a transfer or reassignment does not reset it.
   * Always sent by the server; absent only in conversations an older app version cached.
   */
  waitingSince?: number | null
  /** Highest seq any agent's app received / any agent read (what the customer's receipts show). */
  agentDeliveredSeq?: number
  agentReadSeq?: number
  /** The customer's rating (1–5) of the ended chat, if given. */
  rating?: number | null
}

export interface Message {
  id: string
  conversationId: string
  seq: number
  clientId: string
  authorKind: AuthorKind
  authorName: string | null
  text: string
  createdAt: number
  attachments: Attachment[]
}

export interface Attachment {
  id: string
  name: string
  mime: string
  kind: 'image' | 'video' | 'document'
  size: number
  width: number | null
  height: number | null
  /** A small image for the thread and lists (images only). */
  hasThumb: boolean
  /** A JPEG rendering browsers can show (HEIC photos). */
  hasPreview: boolean
  /** Customers only: short-lived signed URLs of the file and its renderings (agents use their cookie). */
  urls?: SignedAttachmentUrls
}

/** Signed URLs of one stored file (issue 10): each opens that rendering alone, until `expiresAt`. */
export interface SignedAttachmentUrls {
  original: string
  thumb: string | null
  preview: string | null
  /** When the URLs stop working (epoch ms). */
  expiresAt: number
}

/** The admin's file rules (System Configurator: Chat Settings > File Type Settings). */
export interface FileRules {
  allowedTypes: string[]
  maxBytes: number
  videoRecording: boolean
  maxVideoSeconds: number
}

export interface Note {
  id: string
  conversationId: string
  authorId: string
  authorName: string
  text: string
  createdAt: number
}

/** Event types carried by the log and the socket. */
export type EventType =
  | 'conversation.created'
  | 'conversation.updated'
  | 'message.created'
  | 'note.created'
  | 'receipts.updated'
  /** An agent's read marker moved (on any of their devices). */
  | 'read.updated'
  /** Customers only: what the agents' apps received and read (the receipts on the customer's messages). */
  | 'agentReceipts.updated'

/** What each event type carries in `data`. */
export interface EventDataByType {
  // Agents get Conversation (unread is always 0 in events: the client counts),
  // customers get PublicConversation.
  'conversation.created': { conversation: Conversation | PublicConversation }
  'conversation.updated': { conversation: Conversation | PublicConversation }
  'message.created': { message: Message }
  'note.created': { note: Note }
  'receipts.updated': { deliveredSeq: number; readSeq: number }
  'read.updated': { userId: string; lastReadSeq: number }
  /** The conversation's agentDeliveredSeq and agentReadSeq after the move (they only grow). */
  'agentReceipts.updated': { agentDeliveredSeq: number; agentReadSeq: number }
}

/** An event of the log and the socket: a union keyed on `type`, so `switch (event.type)` narrows `data`. */
export type ServerEvent = {
  [K in EventType]: {
    /** Monotonic cursor of the event log. */
    id: number
    type: K
    conversationId: string
    /** Epoch ms. */
    createdAt: number
    data: EventDataByType[K]
  }
}[EventType]

export type EventData = EventDataByType[EventType]

// Socket protocol (JSON text frames). Client frames are checked against the schemas in
// server/src/services/frames.ts; close and error codes are listed in docs/architecture.md (Realtime).
export type ClientFrame =
  | { type: 'hello'; cursor?: number; token?: string }
  | { type: 'typing'; conversationId: string }
  /** The conversation open on screen on this device (no push for it), or null. */
  | { type: 'viewing'; conversationId: string | null; deviceId?: string }

export type ServerFrame =
  | { type: 'ready'; cursor: number; reset?: boolean }
  | { type: 'event'; event: ServerEvent }
  | { type: 'typing'; conversationId: string; who: 'agent' | 'customer' }
  /**
   * `unauthorized` / `deactivated`: the session or chat token ended (the socket closes 4401);
   * `bad_request`, `already_started`, `rate_limited`: the frame was refused and the socket stays
   * (except a malformed hello: 4400, and 50 frames past the rate limit: 4429);
   * `hello_required` (4401), `hello_timeout` (4408), `internal` (1011) close it.
   */
  | { type: 'error'; error: { code: string; message: string } }
  | { type: 'settings'; files: FileRules }
  /**
   * A user's presence changed (issue 14, point 5): sent to that user's own sockets (all devices),
   * and to every admin socket for every user (the agent list). Not replayed.
   */
  | { type: 'user'; user: User }
  /**
   * Admin sockets only (issue 14, point 4, "All open"): the conversation of every
   * conversation.created/updated in any queue; state 'ended' means it leaves All open. Not
   * replayed: after each `ready` the view reloads GET /api/admin/open.
   */
  | { type: 'supervisor'; conversation: Conversation }
  /** Customers only, while queued: their place and estimated wait, sent on every change. */
  | { type: 'queue'; status: QueueStatus }

// Customer-facing shapes: no internal ids of agents, no notes.
export interface PublicConversation {
  id: string
  state: ConversationState
  queueName: string
  customerName: string
  agentName: string | null
  arrivedAt: number
  endedAt: number | null
  /** Highest seq an agent's app has received / an agent has read (receipts on the customer's messages). */
  agentDeliveredSeq: number
  agentReadSeq: number
  /** The customer's rating of the ended chat, if given. */
  rating: number | null
}

export interface PublicStart {
  token: string
  conversation: PublicConversation
}

export interface CustomerDetails extends Customer {
  verification: CustomerVerification
  /** The user id the company's website signed (verification 'website'), else null. */
  externalId: string | null
  firstSeenAt: number
  conversationCount: number
}

export interface TransferTarget {
  queue: QueueRef
  agents: { id: string; displayName: string; presence: Presence; load: number; maxConcurrent: number }[]
}

export interface AdminUser extends User {
  queueIds: string[]
}

export interface PushDevice {
  id: string
  userId: string
  userName: string
  name: string
  blocked: boolean
  createdAt: number
  lastPushAt: number | null
}

export interface PushRules {
  maxDevices: number
  /** Include the message text in pushes (off: "New message" only). */
  preview: boolean
}

/** What a push carries: the least the notification needs. */
export interface PushPayload {
  /**
   * 'assigned': a supervisor gave the agent a chat directly (it is theirs, nothing to accept);
   * 'away': the server set the agent Away after missed offers (conversationId null).
   */
  kind: 'message' | 'offer' | 'transfer' | 'assigned' | 'test' | 'away'
  conversationId: string | null
  title: string
  body: string
  /** For offers: when the offer runs out (epoch ms). */
  expiresAt?: number
  /** The words the service worker adds itself, in the receiving agent's language. */
  words?: PushWords
}

/** What the service worker writes around a push, worded by the server in the agent's language. */
export interface PushWords {
  locale: Locale
  /** Offer buttons. */
  accept: string
  reject: string
  /** Several messages folded into one notification: pipe plural forms in CLDR order with `{n}`. */
  newMessages: string
  /** An Accept from the notification that came too late: title and default reason. */
  acceptFailed: string
  noLongerOffered: string
}

/**
 * The answer to a repeated request (same clientId) whose conversation the caller may no longer
 * see: what happened, and the ids, nothing more. Sent as `{ ack }` with status 200.
 */
export interface ReplayAck {
  outcome: 'sent' | 'noted' | 'transferred' | 'ended' | 'picked' | 'reassigned'
  conversationId: string
  /** The idempotency key repeated (null for pick and end, which have none). */
  clientId: string | null
  /** The message or note made the first time (null for actions). */
  id: string | null
}

/**
 * The admin's settings of the agent's day (issue 14, points 5 and 6).
 * `missedOffersAway`: offers in a row an agent may let time out before being set Away (0 = never;
 * default 2). `waitWarnMinutes` / `waitUrgentMinutes`: waiting times (minutes) past which rows are
 * coloured (defaults 2 and 5; urgent > warn).
 */
export interface WorkSettings {
  missedOffersAway: number
  waitWarnMinutes: number
  waitUrgentMinutes: number
}

/**
 * A canned response (issue 14, point 1). `shared` ones are the admin's, for all queues
 * (`queueIds` null) or some; `personal` ones belong to one agent (`ownerId`; `queueIds` null).
 * `shortcut` (lowercase, no spaces or "/") is what the agent types after "/" in the composer.
 * The text may hold placeholders the client fills: {{customer.name}}, {{customer.email}},
 * {{agent.name}}.
 */
export interface CannedResponse {
  id: string
  scope: 'shared' | 'personal'
  title: string
  shortcut: string | null
  text: string
  queueIds: string[] | null
  ownerId: string | null
  /** Epoch ms. */
  updatedAt: number
}

/**
 * One search result (issue 14, point 2): a message that matched (`kind` 'message', with its id
 * and seq), or the conversation's customer name, email or phone (`kind` 'customer').
 * `snippet.ranges` are [start, end) offsets in UTF-16 code units into `snippet.text` of the
 * matched words (plain text: render the ranges as marks, never as HTML).
 */
export interface SearchHit {
  kind: 'message' | 'customer'
  conversationId: string
  messageId: string | null
  seq: number | null
  /** Epoch ms: the message's time, or the conversation's last activity for a customer hit. */
  at: number
  snippet: { text: string; ranges: [number, number][] }
  conversation: Conversation
}

/** A page of search results; `nextCursor` null on the last page. */
export interface SearchPage {
  hits: SearchHit[]
  nextCursor: string | null
}

/** Moves a supervisor (admin) can make on an open conversation (POST /api/admin/conversations/:id/reassign). */
export type ReassignAction = 'offer' | 'assign' | 'queue' | 'takeover'
