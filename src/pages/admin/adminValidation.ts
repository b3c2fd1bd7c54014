// Client-side checks that mirror the server's JSON schemas (server/src/routes/admin/index.ts).
// Messages and labels come from the `admin` namespace of the locale files, in the active language
// at the moment they are produced (a form re-validates on submit, so a language change shows up).
import { i18n } from '@/shared/i18n'
// Names are counted in graphemes (kernel/text.ts), as the server counts them.
import { fitsGraphemes, TEXT_LIMITS } from '@/kernel/text'

export interface FieldError {
  field: string
  message: string
}

const t = i18n.global.t

/** The form fields admin errors may name (server field names). */
export type AdminField = keyof typeof FIELD_KEYS
const FIELD_KEYS = {
  username: 'admin.fields.username',
  displayName: 'admin.fields.displayName',
  password: 'admin.fields.password',
  role: 'admin.fields.role',
  maxConcurrent: 'admin.fields.maxConcurrent',
  queueIds: 'admin.fields.queueIds',
  name: 'admin.fields.name',
  address: 'admin.fields.address',
  routingMode: 'admin.fields.routingMode',
  memberIds: 'admin.fields.memberIds',
} as const

/** A field's label in the active language, or undefined for a field no form shows. */
export function fieldLabel(field: string): string | undefined {
  return field in FIELD_KEYS ? t(FIELD_KEYS[field as AdminField]) : undefined
}

export const USERNAME_RE = /^[a-zA-Z0-9._-]{2,50}$/
export const ADDRESS_RE = /^[a-z0-9][a-z0-9-]{0,62}$/

const check = (errors: FieldError[], field: string, ok: boolean, message: () => string) => {
  if (!ok) errors.push({ field, message: message() })
}

export function checkUsername(errors: FieldError[], v: string) {
  check(errors, 'username', USERNAME_RE.test(v), () => t(v ? 'admin.validation.usernameFormat' : 'admin.validation.usernameMissing'))
}
export function checkDisplayName(errors: FieldError[], v: string) {
  check(errors, 'displayName', v.trim().length > 0, () => t('admin.validation.displayNameMissing'))
  check(errors, 'displayName', fitsGraphemes(v, TEXT_LIMITS.name), () => t('admin.validation.tooLong', { max: TEXT_LIMITS.name }))
}
export function checkPassword(errors: FieldError[], v: string, field = 'password') {
  check(errors, field, v.length >= 8, () => t('admin.validation.passwordShort', { min: 8 }))
  check(errors, field, v.length <= 200, () => t('admin.validation.tooLong', { max: 200 }))
}
export function checkMaxConcurrent(errors: FieldError[], v: number | string) {
  const n = typeof v === 'number' ? v : Number(v)
  check(errors, 'maxConcurrent', v !== '' && Number.isInteger(n) && n >= 1 && n <= 50, () => t('admin.validation.maxConcurrent'))
}
export function checkQueueName(errors: FieldError[], v: string) {
  check(errors, 'name', v.trim().length > 0, () => t('admin.validation.queueNameMissing'))
  check(errors, 'name', fitsGraphemes(v, TEXT_LIMITS.name), () => t('admin.validation.tooLong', { max: TEXT_LIMITS.name }))
}
export function checkAddress(errors: FieldError[], v: string) {
  check(errors, 'address', ADDRESS_RE.test(v), () => t(v ? 'admin.validation.addressFormat' : 'admin.validation.addressMissing'))
}

/** A suggested queue address from its name: "Billing & Sales" -> "billing-sales". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '')
}
