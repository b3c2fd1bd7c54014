import { i18n } from '@/shared/i18n'
import { checkFile, type FileRules } from '@/entities/attachment/rules'

/** The server links at most this many files to one message. */
export const MAX_ATTACHMENTS = 10

/** A file chosen for the next message (a picked File, or a photo or recording made in the app). */
export interface ComposerAttachment {
  id: string
  name: string
  type: string
  size: number
  blob: Blob
  recorded: boolean
  /** An object URL for an image chip's thumbnail; revoked when the chip goes. */
  previewUrl: string | null
}

export type AddResult = { ok: true; attachment: ComposerAttachment } | { ok: false; error: string }

let counter = 0

/**
 * Checks one file against the admin's rules (and the per-message limit) before it becomes a chip.
 * Without rules (not loaded yet, offline on first start) only the count is checked: the server
 * checks everything again on upload.
 */
export function prepareAttachment(
  rules: FileRules | null,
  file: { blob: Blob; name: string; recorded?: boolean },
  current: number,
  makeUrl: (blob: Blob) => string | null,
): AddResult {
  if (current >= MAX_ATTACHMENTS) return { ok: false, error: i18n.global.t('errors.file.tooMany', { max: MAX_ATTACHMENTS }) }
  const info = { name: file.name, type: file.blob.type, size: file.blob.size }
  const refused = rules ? checkFile(rules, info, { recorded: file.recorded === true }) : null
  if (refused) return { ok: false, error: refused }
  const isImage = info.type.startsWith('image/') && info.type !== 'image/heic' && info.type !== 'image/heif'
  return {
    ok: true,
    attachment: {
      id: `att-${Date.now().toString(36)}-${(counter++).toString(36)}`,
      ...info,
      blob: file.blob,
      recorded: file.recorded === true,
      previewUrl: isImage ? makeUrl(file.blob) : null,
    },
  }
}

const IMAGE_TYPES: Record<string, string> = {
  gif: 'image/gif', heic: 'image/heic', heif: 'image/heif', jpeg: 'image/jpeg', jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif', bmp: 'image/bmp',
}
const VIDEO_TYPES: Record<string, string> = {
  mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', m4v: 'video/x-m4v', '3gp': 'video/3gpp', mkv: 'video/x-matroska',
}

/**
 * The file pickers' `accept`: Gallery takes the allowed image and video types, Document every
 * allowed type. Extensions and MIME types both, so phones open their photo picker for images.
 */
export function acceptFor(kind: 'gallery' | 'document', rules: FileRules | null): string {
  if (!rules) return kind === 'gallery' ? 'image/*,video/*' : ''
  const parts: string[] = []
  for (const raw of rules.allowedTypes) {
    const ext = raw.toLowerCase().replace(/^\./, '')
    const mime = IMAGE_TYPES[ext] ?? VIDEO_TYPES[ext]
    if (kind === 'gallery' && !mime) continue
    parts.push(`.${ext}`)
    if (mime && !parts.includes(mime)) parts.push(mime)
  }
  // Nothing allowed: still let the picker open, so the refusal names the rule.
  if (!parts.length) return kind === 'gallery' ? 'image/*' : ''
  return parts.join(',')
}
