import type { FileRules } from '@/kernel/contract'
import { formatBytes } from '@/shared/utils/formatBytes'
import { activeLocale } from '@/shared/i18n/format'
import { i18n } from '@/shared/i18n'

const t = i18n.global.t

/** Sizes are formatted by the UI kit's helper; re-exported for existing callers. */
export { formatBytes }

export type { FileRules } from '@/kernel/contract'

const MIME_EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/heic': 'heic',
  'image/heif': 'heic', 'video/mp4': 'mp4', 'video/webm': 'webm', 'video/quicktime': 'mov', 'application/pdf': 'pdf',
}

/** The type a file claims, from its name, else its MIME type (the server checks the bytes). */
export function fileExtension(file: { name: string; type: string }): string {
  const m = /\.([a-z0-9]{1,10})$/i.exec(file.name)
  if (m) return m[1]!.toLowerCase()
  return MIME_EXTENSIONS[file.type.split(';')[0]!.trim().toLowerCase()] ?? ''
}

/** jpg/jpeg and heic/heif stand for each other, as on the server. */
export function typeAllowed(rules: FileRules, ext: string): boolean {
  const list = new Set(rules.allowedTypes.map((t) => t.toLowerCase()))
  if (ext === 'jpg' || ext === 'jpeg') return list.has('jpg') || list.has('jpeg')
  if (ext === 'heic' || ext === 'heif') return list.has('heic') || list.has('heif')
  return list.has(ext)
}


/**
 * Checks a file against the admin's rules before anything is sent. Null when it may go, else a
 * sentence naming the rule it breaks. A video recorded in the app is allowed whenever recording is.
 */
export function checkFile(rules: FileRules, file: { name: string; type: string; size: number }, opts: { recorded?: boolean } = {}): string | null {
  if (file.size > rules.maxBytes) {
    return t('errors.file.tooBig', { name: file.name, size: formatBytes(file.size), max: formatBytes(rules.maxBytes) })
  }
  if (opts.recorded) {
    return rules.videoRecording ? null : t('errors.file.recordingOff')
  }
  const ext = fileExtension(file)
  if (!ext || !typeAllowed(rules, ext)) {
    const allowed = rules.allowedTypes.length ? new Intl.ListFormat(activeLocale(), { type: 'unit', style: 'short' }).format(rules.allowedTypes) : t('errors.file.none')
    return ext ? t('errors.file.typeNotAllowed', { ext, allowed }) : t('errors.file.kindNotAllowed', { allowed })
  }
  return null
}
