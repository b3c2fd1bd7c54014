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
