import { randomBytes, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Kysely } from 'kysely'
import type { Attachment, FileRules } from '../api-types.js'
import type { AttachmentsTable, DB } from '../db/schema.js'
import { HttpError } from './errors.js'
import { typeAllowed } from './fileRules.js'
import { videoDurationSeconds } from './mediaDuration.js'
import type { ImagePool } from './imagePool.js'
import type { BlobStore } from './storage.js'
import { graphemes } from '../text.js'
import { deleteIfUnsent, insertAttachment, toAttachment, unsentUploadsBefore, uploadsSince } from '../db/repositories/attachments.js'

const IMAGE = new Set(['png', 'jpg', 'gif', 'webp', 'heic', 'heif', 'avif'])
const VIDEO = new Set(['webm', 'mp4', 'mov', 'm4v'])
// Never stored whatever the list says: a browser could run them.
const NEVER = new Set(['html', 'htm', 'svg', 'xml', 'js', 'mjs', 'xhtml'])
const THUMB_PX = 320

/** Longest stored file name in UTF-8 bytes: NAME_MAX of common file systems (POSIX, ext4, APFS), so a download saves under the same name. */
export const MAX_FILE_NAME_BYTES = 255
const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8')
const ZWJ = '\u200d'
/** A zero-width joiner inside an emoji sequence (👩‍💻) is part of the picture, not a hidden mark. */
const joinsEmoji = (s: string, at: number) => /\p{Extended_Pictographic}\ufe0f?$/u.test(s.slice(Math.max(0, at - 3), at)) && /^\p{Extended_Pictographic}/u.test(s.slice(at + 1, at + 3))

/**
 * A file name as the user gave it, made safe to store and show (issue 10, point 13). Every file
 * name entering the server goes through here:
 *  - no path: only what follows the last / or \;
 *  - Unicode NFC; no control characters (Cc), no invisible format characters (Cf: the bidi
 *    overrides and isolates U+202A..U+202E, U+2066..U+2069, the marks U+200E/U+200F, zero-width
 *    U+200B..U+200D, U+FEFF, …) that can disguise "…fdp.exe" as "…exe.pdf", no line or paragraph
 *    separators (Zl, Zp); only a zero-width joiner between two emoji stays (it is part of one
 *    emoji, 👩‍💻); leading spaces and trailing spaces and dots trimmed;
 *  - at most MAX_FILE_NAME_BYTES, cut between graphemes (server/src/text.ts) from the end of the base
 *    name, so the extension stays;
 *  - "file" when nothing is left.
 */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? ''
  const clean = base.normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (ch, at: number, all: string) => (ch === ZWJ && joinsEmoji(all, at) ? ch : ''))
    .replace(/^\s+|[\s.]+$/gu, '')
  if (!clean) return 'file'
  if (utf8Length(clean) <= MAX_FILE_NAME_BYTES) return clean
  // An extension is a short run of letters and digits after the last dot (".pdf", ".tar.gz" keeps ".gz").
  const ext = /\.[\p{L}\p{N}]{1,16}$/u.exec(clean)?.[0] ?? ''
  const stem = ext && ext.length < clean.length ? clean.slice(0, -ext.length) : clean
  const keepExt = stem === clean ? '' : ext
  let out = ''
  for (const segment of graphemes(stem)) {
    if (utf8Length(out + segment + keepExt) > MAX_FILE_NAME_BYTES) break
    out += segment
  }
  return (out.trimEnd() || 'file') + keepExt
}

export interface UploadInput {
  conversationId: string
  uploader: { kind: 'agent'; userId: string } | { kind: 'customer' }
  fileName: string
  stream: Readable & { truncated?: boolean }
  /**
   * The agent's app says this is a video recorded in it: accepted as a WebM or MP4 when the admin
   * enabled recording and the container's duration is within the maximum. Ignored for customers.
   */
  recorded: boolean
  rules: FileRules
  /** Uploads allowed per conversation per hour (count and bytes); more answer 429. */
  quota: UploadQuota
  /** Where images are decoded and thumbnailed, off the event loop (full: 503, nothing stored). */
  images: ImagePool
}

export interface UploadQuota { files: number; bytes: number }

/** A recording may run this much past the maximum: the recorder stops on a timer (seconds). */
export const RECORDING_SLACK_SECONDS = 2
const HOUR_MS = 3600_000

/** The files and bytes uploaded to a conversation in the last hour (sent or not). */
async function recentUploads(db: Kysely<DB>, conversationId: string, now: number): Promise<{ files: number; bytes: number }> {
  return uploadsSince(db, conversationId, now - HOUR_MS)
}

/** Refuses with 429 when `adding` more bytes (and one more file) would pass the conversation's hourly quota. */
export async function checkUploadQuota(db: Kysely<DB>, conversationId: string, quota: UploadQuota, adding = 0): Promise<void> {
  const used = await recentUploads(db, conversationId, Date.now())
  if (used.files + 1 > quota.files || used.bytes + adding > quota.bytes) {
    throw new HttpError(429, 'upload_quota', `Too many files in this chat in the last hour (at most ${quota.files} files and ${formatBytes(quota.bytes)}). Please wait and try again.`)
  }
}

/**
 * Streams an upload to a temporary file (the size limit is enforced by the multipart parser while
 * streaming), decides its type by magic bytes, checks the admin's rules, stores it under a random
 * key and makes a thumbnail (and a JPEG preview for HEIC) in the image pool's worker threads. On any
 * refusal (415, 413, 429, 503 when the pool is full) nothing stays on disk.
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
    const { fileTypeFromFile } = await import('file-type') // loaded on the first upload, not at start
    const detected = await fileTypeFromFile(temp)
    const ext = detected?.ext === 'jpg' ? 'jpg' : detected?.ext
    if (!detected || !ext || NEVER.has(ext)) {
      throw new HttpError(415, 'unsupported_type', `This file's content is not an allowed type (allowed: ${input.rules.allowedTypes.join(', ')})`)
    }
    // Only an agent's recording may pass outside the type list, and only while recording is on.
    const recordedVideo = input.recorded && input.uploader.kind === 'agent' && (ext === 'webm' || ext === 'mp4')
    if (recordedVideo && !input.rules.videoRecording) {
      throw new HttpError(415, 'unsupported_type', 'Video recording is turned off')
    }
    if (!recordedVideo && !typeAllowed(input.rules, ext)) {
      throw new HttpError(415, 'unsupported_type', `${ext.toUpperCase()} files are not allowed (allowed: ${input.rules.allowedTypes.join(', ')})`)
    }
    if (recordedVideo) {
      const seconds = await videoDurationSeconds(temp, ext)
      if (seconds === undefined) throw new HttpError(415, 'unsupported_type', 'The length of this video could not be read')
      if (seconds > input.rules.maxVideoSeconds + RECORDING_SLACK_SECONDS) {
        throw new HttpError(413, 'video_too_long', `This video is ${Math.round(seconds)} s long; recordings may be at most ${input.rules.maxVideoSeconds} s`)
      }
    }
    await checkUploadQuota(db, input.conversationId, input.quota, (await stat(temp)).size)
    const kind = IMAGE.has(ext) ? 'image' : VIDEO.has(ext) ? 'video' : 'document'
    const id = randomUUID()
    const storageKey = randomBytes(18).toString('base64url')

    let width: number | null = null
    let height: number | null = null
    let thumbKey: string | null = null
    let previewKey: string | null = null
    if (kind === 'image') {
      const r = await input.images.render({ path: temp, heic: ext === 'heic' || ext === 'heif', thumbPx: THUMB_PX })
      if (!r.ok) throw new HttpError(415, 'unsupported_type', 'This image could not be read')
      width = r.width
      height = r.height
      if (r.preview) {
        // Most browsers can't show HEIC: keep a JPEG rendering beside the original.
        previewKey = randomBytes(18).toString('base64url')
        await store.putBuffer(previewKey, Buffer.from(r.preview.buffer, r.preview.byteOffset, r.preview.byteLength))
        keys.push(previewKey)
      }
      thumbKey = randomBytes(18).toString('base64url')
      await store.putBuffer(thumbKey, Buffer.from(r.thumb.buffer, r.thumb.byteOffset, r.thumb.byteLength))
      keys.push(thumbKey)
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
    await insertAttachment(db, row)
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

/** Uploads never sent are removed after this long (ms). */
export const UNSENT_UPLOAD_MS = 24 * HOUR_MS

/**
 * Deletes files uploaded but never sent in a message, older than `olderThanMs` (24 hours by
 * default): the row first, and only if it is still unsent at that moment (a message taking it
 * meanwhile wins), then its bytes. Safe in every process at once. Returns how many were removed.
 */
export async function sweepUnsentUploads(db: Kysely<DB>, store: BlobStore, opts: { now?: number; olderThanMs?: number } = {}): Promise<number> {
  const cutoff = (opts.now ?? Date.now()) - (opts.olderThanMs ?? UNSENT_UPLOAD_MS)
  const rows = await unsentUploadsBefore(db, cutoff)
  let removed = 0
  for (const r of rows) {
    if (!(await deleteIfUnsent(db, r.id))) continue
    removed++
    for (const key of [r.storage_key, r.thumb_key, r.preview_key]) if (key) await store.delete(key).catch(() => undefined)
  }
  return removed
}

/** Runs the sweep now and then every `everyMs` (an hour) until the returned stop is called; never keeps the process alive. */
export function startUploadSweep(db: Kysely<DB>, store: BlobStore, log: { warn(obj: unknown, msg: string): void }, everyMs = HOUR_MS): () => void {
  const run = () => { sweepUnsentUploads(db, store).catch((err: unknown) => log.warn({ err }, 'sweep of unsent uploads failed')) }
  const first = setTimeout(run, 1000)
  const timer = setInterval(run, everyMs)
  first.unref()
  timer.unref()
  return () => {
    clearTimeout(first)
    clearInterval(timer)
  }
}
