import { ref } from 'vue'
import type { FileRules } from '@/kernel/contract'
import { apiJson } from '@/kernel/http/client'
import { i18n } from '@/shared/i18n'
import { toAdminError } from './adminApi'
import type { FieldError } from './adminValidation'

export const MB = 1024 * 1024
/** The server's limits (server/src/routes/attachments/index.ts). */
export const MIN_BYTES = 1024
export const MAX_BYTES = 100 * MB
export const MAX_TYPES = 50
export const MAX_VIDEO_SECONDS = 600
/** Types the server never stores whatever the list says: they could run script in a browser. */
export const NEVER_TYPES = new Set(['html', 'htm', 'svg', 'xml', 'js', 'mjs', 'xhtml'])

/** A type as the list keeps it: lower case, without a leading dot. */
export const normalizeType = (raw: string) => raw.trim().toLowerCase().replace(/^\./, '')

const t = i18n.global.t

/** Why a new entry can't join the list (in the active language), or null. */
export function typeProblem(type: string, list: string[]): string | null {
  if (!type) return t('admin.files.enterType')
  if (!/^[a-z0-9]{1,10}$/.test(type)) return t('admin.files.typeFormat')
  if (NEVER_TYPES.has(type)) return t('admin.files.neverAccepted', { type })
  if (list.includes(type)) return t('admin.files.duplicate', { type })
  if (list.length >= MAX_TYPES) return t('admin.files.listFull', { max: MAX_TYPES })
  return null
}

/** The form's values as typed (strings for the number fields). */
export interface FileRulesDraft {
  allowedTypes: string[]
  maxMb: string
  videoRecording: boolean
  maxVideoSeconds: string
}

export const toDraft = (r: FileRules): FileRulesDraft => ({
  allowedTypes: [...r.allowedTypes],
  maxMb: String(Math.round((r.maxBytes / MB) * 100) / 100),
  videoRecording: r.videoRecording,
  maxVideoSeconds: String(r.maxVideoSeconds),
})

/** Checks the draft like the server's schema; the rules to save, or the errors by field. */
export function parseDraft(d: FileRulesDraft): { rules: FileRules; errors: [] } | { rules: null; errors: FieldError[] } {
  const errors: FieldError[] = []
  const mbText = d.maxMb.trim().replace(',', '.')
  const mb = /^\d+(\.\d+)?$/.test(mbText) ? Number(mbText) : NaN
  const maxBytes = Math.round(mb * MB)
  if (!Number.isFinite(mb) || maxBytes < MIN_BYTES || maxBytes > MAX_BYTES) {
    errors.push({ field: 'maxBytes', message: t('admin.files.sizeInvalid') })
  }
  const seconds = /^\d+$/.test(d.maxVideoSeconds.trim()) ? Number(d.maxVideoSeconds.trim()) : NaN
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_VIDEO_SECONDS) {
    errors.push({ field: 'maxVideoSeconds', message: t('admin.files.secondsInvalid', { max: MAX_VIDEO_SECONDS }) })
  }
  const types = [...new Set(d.allowedTypes.map(normalizeType))]
  if (types.some((t) => !/^[a-z0-9]{1,10}$/.test(t)) || types.length > MAX_TYPES) {
    errors.push({ field: 'allowedTypes', message: t('admin.files.typesInvalid', { max: MAX_TYPES }) })
  }
  if (errors.length) return { rules: null, errors }
  return { rules: { allowedTypes: types, maxBytes, videoRecording: d.videoRecording, maxVideoSeconds: seconds }, errors: [] }
}

const rules = ref<FileRules | null>(null)
const loading = ref(false)
const loadError = ref('')

/** The admin's File Type Settings: load (GET /api/settings/files) and save (PUT /api/admin/settings/files). */
export function useAdminFileRules() {
  async function load() {
    loading.value = true
    loadError.value = ''
    try {
      rules.value = (await apiJson<{ files: FileRules }>('GET', 'settings/files')).files
    } catch (err) {
      loadError.value = (await toAdminError(err)).message
    } finally {
      loading.value = false
    }
  }

  /** Saves; throws an AdminApiError the form shows. Connected agents get the new rules at once. */
  async function save(next: FileRules): Promise<FileRules> {
    try {
      rules.value = (await apiJson<{ files: FileRules }>('PUT', 'admin/settings/files', { json: next })).files
      return rules.value
    } catch (err) {
      throw await toAdminError(err)
    }
  }

  return { rules, loading, loadError, load, save }
}
