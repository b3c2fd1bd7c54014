import { randomBytes, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileTypeFromFile } from 'file-type'
import sharp from 'sharp'
import type { Kysely } from 'kysely'
import type { Attachment, FileRules } from '../api-types.js'
import type { AttachmentsTable, DB } from '../db/schema.js'
import { HttpError } from './errors.js'
import { typeAllowed } from './fileRules.js'
import type { BlobStore } from './storage.js'

const IMAGE = new Set(['png', 'jpg', 'gif', 'webp', 'heic', 'heif', 'avif'])
const VIDEO = new Set(['webm', 'mp4', 'mov', 'm4v'])
// Never stored whatever the list says: a browser could run them.
const NEVER = new Set(['html', 'htm', 'svg', 'xml', 'js', 'mjs', 'xhtml'])
const THUMB_PX = 320

export function toAttachment(r: AttachmentsTable): Attachment {
  return {
    id: r.id, name: r.file_name, mime: r.mime, kind: r.kind, size: Number(r.size), width: r.width, height: r.height,
    hasThumb: r.thumb_key !== null, hasPreview: r.preview_key !== null,
  }
}

/** A file name as the user gave it, made safe to store and show: no paths, no control characters. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200)
  return clean || 'file'
}

export interface UploadInput {
  conversationId: string
  uploader: { kind: 'agent'; userId: string } | { kind: 'customer' }
  fileName: string
  stream: Readable & { truncated?: boolean }
  /** The client says this is a video recorded in the app (accepted when recording is allowed). */
  recorded: boolean
  rules: FileRules
}

/**
 * Streams an upload to a temporary file (the size limit is enforced by the multipart parser while
 * streaming), decides its type by magic bytes, checks the admin's rules, stores it under a random
 * key and makes a thumbnail (and a JPEG preview for HEIC). On any refusal nothing stays on disk.
 */
export async function storeUpload(db: Kysely<DB>, store: BlobStore, tmpDir: string, input: UploadInput): Promise<Attachment> {
  await mkdir(tmpDir, { recursive: true })
  const temp = join(tmpDir, `up-${randomBytes(12).toString('hex')}`)
  const keys: string[] = []
  try {
    await pipeline(input.stream, createWriteStream(temp))
    if (input.stream.truncated) {
      throw new HttpError(413, 'too_large', `The file is larger than the maximum size of ${formatBytes(input.rules.maxBytes)}`)
    }
    const detected = await fileTypeFromFile(temp)
    const ext = detected?.ext === 'jpg' ? 'jpg' : detected?.ext
    if (!detected || !ext || NEVER.has(ext)) {
      throw new HttpError(415, 'unsupported_type', `This file's content is not an allowed type (allowed: ${input.rules.allowedTypes.join(', ')})`)
    }
    const recordedVideo = input.recorded && input.rules.videoRecording && (ext === 'webm' || ext === 'mp4')
    if (!recordedVideo && !typeAllowed(input.rules, ext)) {
      throw new HttpError(415, 'unsupported_type', `${ext.toUpperCase()} files are not allowed (allowed: ${input.rules.allowedTypes.join(', ')})`)
    }
    const kind = IMAGE.has(ext) ? 'image' : VIDEO.has(ext) ? 'video' : 'document'
    const id = randomUUID()
    const storageKey = randomBytes(18).toString('base64url')

    let width: number | null = null
    let height: number | null = null
    let thumbKey: string | null = null
    let previewKey: string | null = null
    if (kind === 'image') {
      let source: Buffer | string = temp
      if (ext === 'heic' || ext === 'heif') {
        // Most browsers can't show HEIC: keep a JPEG rendering beside the original.
        const { default: convert } = await import('heic-convert')
        const jpeg = Buffer.from(await convert({ buffer: await readFile(temp), format: 'JPEG', quality: 0.85 }))
        previewKey = randomBytes(18).toString('base64url')
        await store.putBuffer(previewKey, jpeg)
        keys.push(previewKey)
        source = jpeg
      }
      try {
        const img = sharp(source, { animated: false })
        const meta = await img.metadata()
        width = meta.autoOrient?.width ?? meta.width ?? null
        height = meta.autoOrient?.height ?? meta.height ?? null
        const thumb = await img.rotate().resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer()
        thumbKey = randomBytes(18).toString('base64url')
        await store.putBuffer(thumbKey, thumb)
        keys.push(thumbKey)
      } catch {
        throw new HttpError(415, 'unsupported_type', 'This image could not be read')
      }
    }
    const { size } = await stat(temp)
    const row: AttachmentsTable = {
      id, conversation_id: input.conversationId, message_id: null,
      uploader_kind: input.uploader.kind, uploader_id: input.uploader.kind === 'agent' ? input.uploader.userId : null,
      file_name: input.fileName, mime: detected.mime, ext, kind, size, width, height,
      storage_key: storageKey, thumb_key: thumbKey, preview_key: previewKey, created_at: Date.now(),
    }
    await store.putFile(storageKey, temp)
    keys.push(storageKey)
    await db.insertInto('attachments').values(row).execute()
    return toAttachment(row)
  } catch (err) {
    await Promise.all(keys.map((k) => store.delete(k).catch(() => undefined)))
    throw err
  } finally {
    await rm(temp, { force: true })
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`
  if (n >= 1024) return `${Math.round(n / 1024)} KB`
  return `${n} bytes`
}

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
