import type { Kysely } from 'kysely'
import type { Attachment } from '../../api-types.js'
import type { AttachmentsTable, DB } from '../schema.js'

/** A stored file's row as the API shows it (sizes in bytes, pixels for width and height). */
export function toAttachment(r: AttachmentsTable): Attachment {
  return {
    id: r.id, name: r.file_name, mime: r.mime, kind: r.kind, size: Number(r.size), width: r.width, height: r.height,
    hasThumb: r.thumb_key !== null, hasPreview: r.preview_key !== null,
  }
}

/** The files of each message, oldest first, keyed by message id (messages without files are absent). */
export async function attachmentsFor(db: Kysely<DB>, messageIds: string[]): Promise<Map<string, Attachment[]>> {
  const map = new Map<string, Attachment[]>()
  if (messageIds.length === 0) return map
  const rows = await db.selectFrom('attachments').selectAll().where('message_id', 'in', messageIds).orderBy('created_at').execute()
  for (const r of rows) {
    const list = map.get(r.message_id!) ?? []
    list.push(toAttachment(r))
    map.set(r.message_id!, list)
  }
  return map
}

/** A stored file's row, or undefined. */
export async function getAttachmentRow(db: Kysely<DB>, id: string) {
  return db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst()
}

/** A stored file's row with its conversation's end and token revocation times (customer downloads), or undefined. */
export async function getAttachmentWithChat(db: Kysely<DB>, id: string) {
  return db.selectFrom('attachments as a').innerJoin('conversations as c', 'c.id', 'a.conversation_id')
    .selectAll('a').select(['c.ended_at', 'c.customer_token_revoked_at'])
    .where('a.id', '=', id).executeTakeFirst()
}

/** The files and bytes uploaded to a conversation since `since` (epoch ms), sent or not. */
export async function uploadsSince(db: Kysely<DB>, conversationId: string, since: number): Promise<{ files: number; bytes: number }> {
  const row = await db.selectFrom('attachments')
    .select((eb) => [eb.fn.countAll<number>().as('files'), eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('bytes')])
    .where('conversation_id', '=', conversationId).where('created_at', '>', since)
    .executeTakeFirst()
  return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) }
}

export async function insertAttachment(db: Kysely<DB>, row: AttachmentsTable): Promise<void> {
  await db.insertInto('attachments').values(row).execute()
}

/** Up to `limit` files never sent in a message and uploaded before `before` (epoch ms). */
export async function unsentUploadsBefore(db: Kysely<DB>, before: number, limit = 1000) {
  return db.selectFrom('attachments').select(['id', 'storage_key', 'thumb_key', 'preview_key'])
    .where('message_id', 'is', null).where('created_at', '<', before).limit(limit).execute()
}

/** Deletes a file's row only if it is still unsent (a message taking it meanwhile wins). @returns whether it was deleted */
export async function deleteIfUnsent(db: Kysely<DB>, id: string): Promise<boolean> {
  const res = await db.deleteFrom('attachments').where('id', '=', id).where('message_id', 'is', null).executeTakeFirst()
  return Number(res.numDeletedRows) === 1
}

/**
 * Joins uploaded files to a message: only files uploaded to this conversation by the same side
 * (and, for an agent, by `uploaderId`) that are not part of a message yet.
 * @returns how many files were joined (fewer than asked means some did not qualify)
 */
export async function linkAttachments(
  db: Kysely<DB>, messageId: string, ids: string[], conversationId: string, uploader: { kind: 'agent' | 'customer'; id?: string | null },
): Promise<number> {
  let q = db.updateTable('attachments').set({ message_id: messageId })
    .where('id', 'in', ids)
    .where('conversation_id', '=', conversationId)
    .where('message_id', 'is', null)
    .where('uploader_kind', '=', uploader.kind)
  if (uploader.kind === 'agent' && uploader.id) q = q.where('uploader_id', '=', uploader.id)
  const res = await q.executeTakeFirst()
  return Number(res.numUpdatedRows)
}
