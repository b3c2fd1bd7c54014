import type { Kysely } from 'kysely'
import type { FileRules } from '../api-types.js'
import type { DB } from '../db/schema.js'
import { getSetting, putSetting } from '../db/repositories/settings.js'

export const DEFAULT_FILE_RULES: FileRules = {
  allowedTypes: ['gif', 'heic', 'jpeg', 'jpg', 'png'],
  maxBytes: 10 * 1024 * 1024,
  videoRecording: true,
  maxVideoSeconds: 60,
}

const KEY = 'file_rules'

export async function getFileRules(db: Kysely<DB>): Promise<FileRules> {
  const stored = await getSetting<Partial<FileRules>>(db, KEY)
  return stored ? { ...DEFAULT_FILE_RULES, ...stored } : DEFAULT_FILE_RULES
}

export async function setFileRules(db: Kysely<DB>, rules: FileRules): Promise<FileRules> {
  const clean: FileRules = {
    ...rules,
    // jpg and jpeg are one type; keep both spellings so either reads naturally in the list.
    allowedTypes: [...new Set(rules.allowedTypes.map((t) => t.trim().toLowerCase().replace(/^\./, '')).filter(Boolean))].sort(),
  }
  await putSetting(db, KEY, clean)
  return clean
}

/** Is a detected type allowed? `jpg` and `jpeg` stand for each other. */
export function typeAllowed(rules: FileRules, ext: string): boolean {
  const list = new Set(rules.allowedTypes)
  if (ext === 'jpg' || ext === 'jpeg') return list.has('jpg') || list.has('jpeg')
  if (ext === 'heic' || ext === 'heif') return list.has('heic') || list.has('heif')
  return list.has(ext)
}
