// Client-side checks that mirror the server's JSON schemas (server/src/routes/admin/index.ts).
// Names are counted in graphemes (kernel/text.ts), as the server counts them.
import { fitsGraphemes, TEXT_LIMITS } from '@/kernel/text'

export interface FieldError {
  field: string
  message: string
}

export const fieldLabels: Record<string, string> = {
  username: 'Username',
  displayName: 'Display name',
  password: 'Password',
  role: 'Role',
  maxConcurrent: 'Concurrent conversations',
  queueIds: 'Queues',
  name: 'Name',
  address: 'Address',
  routingMode: 'Routing mode',
  memberIds: 'Members',
}

export const USERNAME_RE = /^[a-zA-Z0-9._-]{2,50}$/
export const ADDRESS_RE = /^[a-z0-9][a-z0-9-]{0,62}$/

export const hints = {
  username: '2–50 letters, digits, dots, dashes or underscores.',
  password: 'At least 8 characters.',
  maxConcurrent: 'How many chats they can handle at once, 1–50.',
  address: 'Lowercase letters, digits and dashes, starting with a letter or digit (up to 63).',
}

const check = (errors: FieldError[], field: string, ok: boolean, message: string) => {
  if (!ok) errors.push({ field, message })
}

export function checkUsername(errors: FieldError[], v: string) {
  check(errors, 'username', USERNAME_RE.test(v), v ? `Use ${hints.username.toLowerCase()}` : 'Enter a username.')
}
export function checkDisplayName(errors: FieldError[], v: string) {
  check(errors, 'displayName', v.trim().length > 0, 'Enter the name customers and colleagues see.')
  check(errors, 'displayName', fitsGraphemes(v, TEXT_LIMITS.name), 'Use at most 100 characters.')
}
export function checkPassword(errors: FieldError[], v: string, field = 'password') {
  check(errors, field, v.length >= 8, 'Use at least 8 characters.')
  check(errors, field, v.length <= 200, 'Use at most 200 characters.')
}
export function checkMaxConcurrent(errors: FieldError[], v: number | string) {
  const n = typeof v === 'number' ? v : Number(v)
  check(errors, 'maxConcurrent', v !== '' && Number.isInteger(n) && n >= 1 && n <= 50, 'Enter a whole number from 1 to 50.')
}
export function checkQueueName(errors: FieldError[], v: string) {
  check(errors, 'name', v.trim().length > 0, 'Enter a name for the queue.')
  check(errors, 'name', fitsGraphemes(v, TEXT_LIMITS.name), 'Use at most 100 characters.')
}
export function checkAddress(errors: FieldError[], v: string) {
  check(errors, 'address', ADDRESS_RE.test(v), v ? `Use ${hints.address.charAt(0).toLowerCase()}${hints.address.slice(1)}` : 'Enter an address.')
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
