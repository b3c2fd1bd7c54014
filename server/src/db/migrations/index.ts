// One set of migrations for both backends. Migrations live in code (not files on disk)
// so the compiled server and the tests run the same list. Never edit a shipped migration:
// add the next one.
import { type Kysely, type Migration, sql } from 'kysely'

type Dialect = 'sqlite' | 'postgres'

export function migrations(dialect: Dialect): Record<string, Migration> {
  // The event id is the realtime cursor: it must be a monotonic integer.
  const serialId = dialect === 'postgres' ? 'bigserial' : 'integer'

  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('presence', 'text', (c) => c.notNull().defaultTo('available'))
          .addColumn('max_concurrent', 'integer', (c) => c.notNull().defaultTo(5))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute()

        await db.schema
          .createTable('queues')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull().unique())
          .addColumn('routing_mode', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('queue_members')
          .addColumn('queue_id', 'text', (c) => c.notNull().references('queues.id').onDelete('cascade'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addPrimaryKeyConstraint('queue_members_pk', ['queue_id', 'user_id'])
          .execute()
        await db.schema.createIndex('queue_members_user').on('queue_members').column('user_id').execute()

        await db.schema
          .createTable('customers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('email', 'text')
          .addColumn('phone', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('conversations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
          .addColumn('queue_id', 'text', (c) => c.notNull().references('queues.id'))
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text', (c) => c.references('users.id'))
          .addColumn('arrived_at', 'bigint', (c) => c.notNull())
          .addColumn('picked_at', 'bigint')
          .addColumn('ended_at', 'bigint')
          .addColumn('last_message_at', 'bigint')
          .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('customer_token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('customer_delivered_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('customer_read_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .execute()
        await db.schema.createIndex('conversations_queue_state').on('conversations').columns(['queue_id', 'state']).execute()
        await db.schema.createIndex('conversations_agent_state').on('conversations').columns(['agent_id', 'state']).execute()
        await db.schema.createIndex('conversations_customer').on('conversations').column('customer_id').execute()

        await db.schema
          .createTable('messages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('client_id', 'text', (c) => c.notNull().unique())
          .addColumn('author_kind', 'text', (c) => c.notNull())
          .addColumn('author_id', 'text')
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
          .execute()

        await db.schema
          .createTable('notes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('notes_conversation').on('notes').column('conversation_id').execute()

        await db.schema
          .createTable('events')
          .addColumn('id', serialId, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('queue_id', 'text', (c) => c.notNull())
          .addColumn('visibility', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('events_conversation').on('events').columns(['conversation_id', 'id']).execute()

        await db.schema
          .createTable('agent_reads')
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('last_read_seq', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('agent_reads_pk', ['user_id', 'conversation_id'])
          .execute()

        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute()

        // Keeps the planner honest on SQLite after the first inserts.
        if (dialect === 'sqlite') await sql`PRAGMA optimize`.execute(db)
      },
    },
    '0002_routing': {
      // Offer routing (who it is offered to and until when, who said no), and
      // customers recognised across chats by email or phone for Conversation history.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('conversations').addColumn('offered_to', 'text').execute()
        await db.schema.alterTable('conversations').addColumn('offer_expires_at', 'bigint').execute()
        await db.schema.createIndex('conversations_offer_expiry').on('conversations').columns(['state', 'offer_expires_at']).execute()
        await db.schema
          .createTable('offer_declines')
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('offer_declines_pk', ['conversation_id', 'user_id'])
          .execute()
        await db.schema.alterTable('users').addColumn('last_assigned_at', 'bigint').execute()
        await db.schema.createIndex('customers_email').on('customers').column('email').execute()
        await db.schema.createIndex('customers_phone').on('customers').column('phone').execute()
      },
    },
    '0003_attachments': {
      // Files sent in chats. Stored under a random key, never the client's name; a message
      // links them once sent. Blobs live in the storage backend (disk by default).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('attachments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
          .addColumn('message_id', 'text', (c) => c.references('messages.id'))
          .addColumn('uploader_kind', 'text', (c) => c.notNull())
          .addColumn('uploader_id', 'text')
          .addColumn('file_name', 'text', (c) => c.notNull())
          .addColumn('mime', 'text', (c) => c.notNull())
          .addColumn('ext', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('width', 'integer')
          .addColumn('height', 'integer')
          .addColumn('storage_key', 'text', (c) => c.notNull())
          .addColumn('thumb_key', 'text')
          .addColumn('preview_key', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('attachments_message').on('attachments').column('message_id').execute()
        await db.schema.createIndex('attachments_conversation').on('attachments').column('conversation_id').execute()
        // Shared blob store for several server processes on PostgreSQL (unused with disk storage).
        await db.schema
          .createTable('blobs')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute()
      },
    },
    '0004_push': {
      // Devices that receive push notifications, and each agent's notification preference.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('push_devices')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('endpoint', 'text', (c) => c.notNull().unique())
          .addColumn('p256dh', 'text', (c) => c.notNull())
          .addColumn('auth', 'text', (c) => c.notNull())
          .addColumn('session_id', 'text')
          .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('viewing_conversation_id', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_push_at', 'bigint')
          .execute()
        await db.schema.createIndex('push_devices_user').on('push_devices').column('user_id').execute()
        await db.schema.alterTable('users').addColumn('notify_messages', 'integer', (c) => c.notNull().defaultTo(1)).execute()
      },
    },
    '0005_outbox_ids': {
      // Queued offline actions are retried: a note carries the app's client id (one row per id and
      // conversation), and a transfer remembers the id it was made with so a repeat answers "done".
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('notes').addColumn('client_id', 'text').execute()
        await db.schema.createIndex('notes_client_id').unique().on('notes').columns(['conversation_id', 'client_id']).execute()
        await db.schema.alterTable('conversations').addColumn('transfer_client_id', 'text').execute()
      },
    },
    '0006_customer_identity': {
      // Issue 10 (points 6 and 10). What a customer types is kept on their conversation
      // (contact_*), and a customer record is shared by several conversations only through a
      // verified identity (the same browser's device key, or a user id signed by the company's
      // website). Customer tokens can be revoked. Chats linked earlier by a typed email or phone
      // alone are split into one customer each: those links were never proven.
      async up(db: Kysely<unknown>) {
        for (const col of ['contact_name', 'contact_email', 'contact_phone'] as const) {
          await db.schema.alterTable('conversations').addColumn(col, 'text', (c) => (col === 'contact_name' ? c.notNull().defaultTo('') : c)).execute()
        }
        await sql`update conversations set
          contact_name = (select cu.name from customers cu where cu.id = conversations.customer_id),
          contact_email = (select cu.email from customers cu where cu.id = conversations.customer_id),
          contact_phone = (select cu.phone from customers cu where cu.id = conversations.customer_id)`.execute(db)
        // Every conversation but the first of a customer gets a customer of its own (id = the conversation's id).
        await sql`insert into customers (id, name, email, phone, created_at)
          select c.id, c.contact_name, c.contact_email, c.contact_phone, c.arrived_at from conversations c
          where c.id <> (select f.id from conversations f where f.customer_id = c.customer_id order by f.arrived_at, f.id limit 1)`.execute(db)
        await sql`update conversations set customer_id = id where id in (select id from customers)`.execute(db)
        await db.schema.dropIndex('customers_email').execute()
        await db.schema.dropIndex('customers_phone').execute()
        // 'device' (sha256 of the browser's device key) or 'website' (scope and the signed user id).
        await db.schema.alterTable('customers').addColumn('identity_kind', 'text').execute()
        await db.schema.alterTable('customers').addColumn('identity_key', 'text').execute()
        await db.schema.alterTable('customers').addColumn('external_id', 'text').execute()
        await db.schema.createIndex('customers_identity').unique().on('customers').column('identity_key').execute()
        await db.schema.alterTable('conversations').addColumn('customer_token_revoked_at', 'bigint').execute()
        // Unsent uploads are swept after a day; quotas count a conversation's recent uploads.
        await db.schema.createIndex('attachments_unsent').on('attachments').columns(['message_id', 'created_at']).execute()
      },
    },
    '0007_transfer_by': {
      // Who made the transfer remembered by transfer_client_id: only they may repeat it.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('conversations').addColumn('transfer_by', 'text').execute()
      },
    },
    '0008_viewing_lease': {
      // A device's "viewing this conversation" mark is a lease its socket renews: once it lapses
      // (the socket's process died), pushes for that conversation reach the device again.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('push_devices').addColumn('viewing_until', 'bigint').execute()
      },
    },
    '0009_rate_limits': {
      // Sign-in throttling counters, in the database so every process sharing it counts together.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('rate_limits')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('hits', 'integer', (c) => c.notNull())
          .addColumn('reset_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('rate_limits_reset').on('rate_limits').column('reset_at').execute()
      },
    },
    '0010_event_positions': {
      // PostgreSQL: an event's place in the stream is its transaction id (× 4096 + its index in the
      // transaction), not its serial id, so writers need no lock around the log: everything below the
      // oldest transaction still running is final (repositories/events.ts). Events already logged keep
      // their id as their place; transaction ids × 4096 lie above any id a log reaches in practice.
      async up(db: Kysely<unknown>) {
        if (dialect !== 'postgres') return
        await sql`alter table events add column pos bigint`.execute(db)
        await sql`update events set pos = id`.execute(db)
        await sql`alter table events alter column pos set not null`.execute(db)
        await sql`create unique index events_pos on events (pos)`.execute(db)
        await sql`create index events_conversation_pos on events (conversation_id, pos)`.execute(db)
      },
    },
    '0011_user_locale': {
      // The agent's interface language ('en', 'de', 'es', 'ar'; null = the browser's), also the
      // language of their push notifications.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('users').addColumn('locale', 'text').execute()
      },
    },
    '0012_agent_day': {
      // Issue 14 (the agent's day): how long the customer has waited for a reply, agents set Away
      // after missed offers, canned responses, and History paged by (ended_at, id).
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('conversations').addColumn('waiting_since', 'bigint').execute()
        // The customer's oldest message after the last agent message, for chats not ended.
        await sql`update conversations set waiting_since = (
            select min(m.created_at) from messages m
            where m.conversation_id = conversations.id and m.author_kind = 'customer'
              and m.seq > coalesce((select max(a.seq) from messages a where a.conversation_id = conversations.id and a.author_kind = 'agent'), 0)
          ) where state <> 'ended'`.execute(db)
        await db.schema.createIndex('conversations_history').on('conversations').columns(['agent_id', 'state', 'ended_at', 'id']).execute()

        await db.schema.alterTable('users').addColumn('missed_offers', 'integer', (c) => c.notNull().defaultTo(0)).execute()
        await db.schema.alterTable('users').addColumn('away_reason', 'text').execute()
        await db.schema.alterTable('users').addColumn('away_since', 'bigint').execute()

        await db.schema
          .createTable('canned_responses')
          .addColumn('id', 'text', (c) => c.primaryKey())
          // null: shared (the admin's); else the agent's personal one.
          .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
          // owner_id or '' (shared): shortcuts are unique per owner and among shared ones.
          .addColumn('owner_key', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('shortcut', 'text')
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('all_queues', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('canned_responses_shortcut').unique().on('canned_responses').columns(['owner_key', 'shortcut']).execute()
        await db.schema
          .createTable('canned_response_queues')
          .addColumn('response_id', 'text', (c) => c.notNull().references('canned_responses.id').onDelete('cascade'))
          .addColumn('queue_id', 'text', (c) => c.notNull().references('queues.id').onDelete('cascade'))
          .addPrimaryKeyConstraint('canned_response_queues_pk', ['response_id', 'queue_id'])
          .execute()
        await db.schema.createIndex('canned_response_queues_queue').on('canned_response_queues').column('queue_id').execute()
      },
    },
    '0013_search': {
      // Issue 14, point 2: full-text search over message text and the customer details typed for
      // a conversation (docs/architecture.md, Search). Words are split at every non-letter,
      // non-digit character on both backends (PostgreSQL: ASCII punctuation becomes spaces before
      // the 'simple' parser sees it, so an email is three words there as in FTS5), no stemming, no
      // diacritic folding. System lines are not indexed. Phone numbers also as their digits alone.
      async up(db: Kysely<unknown>) {
        if (dialect === 'sqlite') {
          // prefix: indexes of 2- and 3-character prefixes, so a short word typed so far stays fast.
          const tok = `tokenize = "unicode61 remove_diacritics 0", prefix = '2 3'`
          // External content: the text stays in messages; triggers keep the index in step.
          await sql.raw(`create virtual table messages_fts using fts5(text, content = 'messages', content_rowid = 'rowid', ${tok})`).execute(db)
          await sql.raw(`create trigger messages_fts_ai after insert on messages when new.author_kind <> 'system' begin
              insert into messages_fts(rowid, text) values (new.rowid, new.text); end`).execute(db)
          await sql.raw(`create trigger messages_fts_ad after delete on messages when old.author_kind <> 'system' begin
              insert into messages_fts(messages_fts, rowid, text) values ('delete', old.rowid, old.text); end`).execute(db)
          await sql.raw(`create trigger messages_fts_au after update of text, author_kind on messages begin
              insert into messages_fts(messages_fts, rowid, text) select 'delete', old.rowid, old.text where old.author_kind <> 'system';
              insert into messages_fts(rowid, text) select new.rowid, new.text where new.author_kind <> 'system'; end`).execute(db)
          await sql.raw(`insert into messages_fts(rowid, text) select rowid, text from messages where author_kind <> 'system'`).execute(db)
          // Contentless: the document is made from the contact columns by the triggers.
          const doc = (r: string) => `coalesce(${r}.contact_name, '') || ' ' || coalesce(${r}.contact_email, '') || ' ' || coalesce(${r}.contact_phone, '') || ' ' ||
            replace(replace(replace(replace(replace(replace(replace(coalesce(${r}.contact_phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '/', '')`
          await sql.raw(`create virtual table contacts_fts using fts5(doc, content = '', contentless_delete = 1, ${tok})`).execute(db)
          await sql.raw(`create trigger contacts_fts_ai after insert on conversations begin
              insert into contacts_fts(rowid, doc) values (new.rowid, ${doc('new')}); end`).execute(db)
          await sql.raw(`create trigger contacts_fts_ad after delete on conversations begin
              delete from contacts_fts where rowid = old.rowid; end`).execute(db)
          await sql.raw(`create trigger contacts_fts_au after update of contact_name, contact_email, contact_phone on conversations begin
              delete from contacts_fts where rowid = old.rowid;
              insert into contacts_fts(rowid, doc) values (new.rowid, ${doc('new')}); end`).execute(db)
          await sql.raw(`insert into contacts_fts(rowid, doc) select rowid, ${doc('conversations')} from conversations`).execute(db)
        } else {
          // Stored generated columns (computed on write, never out of step) with GIN indexes.
          const punct = `'!"#$%&''()*+,-./:;<=>?@[\\]^_\`{|}~'`
          const spaces = `'${' '.repeat(32)}'`
          await sql.raw(`alter table messages add column text_tsv tsvector generated always as (
              case when author_kind = 'system' then null else to_tsvector('simple'::regconfig, translate(text, ${punct}, ${spaces})) end) stored`).execute(db)
          await sql.raw(`create index messages_text_tsv on messages using gin (text_tsv) with (fastupdate = off)`).execute(db)
          await sql.raw(`alter table conversations add column contact_tsv tsvector generated always as (
              to_tsvector('simple'::regconfig, translate(coalesce(contact_name, '') || ' ' || coalesce(contact_email, '') || ' ' || coalesce(contact_phone, ''), ${punct}, ${spaces})
                || ' ' || regexp_replace(coalesce(contact_phone, ''), '[^0-9]', '', 'g'))) stored`).execute(db)
          await sql.raw(`create index conversations_contact_tsv on conversations using gin (contact_tsv) with (fastupdate = off)`).execute(db)
        }
      },
    },
    '0014_customer_side': {
      // Issue 15: per-queue embedding origins and opening hours (JSON text), the agents' receipts
      // the customer sees, and the customer's rating of an ended chat.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('queues').addColumn('embed_origins', 'text', (c) => c.notNull().defaultTo('[]')).execute()
        await db.schema.alterTable('queues').addColumn('opening_hours', 'text').execute()
        await db.schema.alterTable('conversations').addColumn('agent_delivered_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute()
        await db.schema.alterTable('conversations').addColumn('agent_read_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute()
        await db.schema.alterTable('conversations').addColumn('rating', 'integer').execute()
        await db.schema.alterTable('conversations').addColumn('rating_comment', 'text').execute()
        await db.schema.alterTable('conversations').addColumn('rated_at', 'bigint').execute()
        // Wait estimates read a queue's recent picks; ratings are summed per queue and per agent.
        await db.schema.createIndex('conversations_queue_picked').on('conversations').columns(['queue_id', 'picked_at']).execute()
      },
    },
  }
}
