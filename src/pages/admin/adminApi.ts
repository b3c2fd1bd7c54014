// The admin area's calls, on the kernel's one HTTP client (same-origin cookie session, JSON).
import { apiJson, apiVoid } from '@/kernel/http/client'
import { ApiError, errorFromThrown, isApiError } from '@/kernel/http/errors'
import { i18n } from '@/shared/i18n'
import type { AdminUser, OpeningHours, PushDevice, PushRules, Queue, RatingsReport, Role, RoutingMode, User } from '@/kernel/contract'

export interface NewUser {
  username: string
  displayName: string
  role: Role
  password: string
  maxConcurrent: number
  queueIds: string[]
}
export type UserPatch = Partial<Omit<NewUser, 'username'>> & { active?: boolean }

export interface NewQueue {
  name: string
  address: string
  routingMode: RoutingMode
  memberIds: string[]
}
export type QueuePatch = Partial<NewQueue> & { embedOrigins?: string[]; openingHours?: OpeningHours | null }

/** A failed call (the kernel's ApiError), with the form field it names, if any. */
export class AdminApiError extends ApiError {
  constructor(message: string, code: string, status: number, readonly field?: string) {
    super(status, code, message)
    this.name = 'AdminApiError'
  }
}

const conflictFields: Record<string, string> = { username_taken: 'username', address_taken: 'address', self_lockout: 'role' }

/** The admin's words for the server's error codes (its own messages are English). */
const CODE_MESSAGES = {
  username_taken: 'admin.errors.usernameTaken',
  address_taken: 'admin.errors.addressTaken',
  self_lockout: 'admin.errors.selfLockout',
  invalid_reference: 'admin.errors.invalidReference',
  bad_request: 'admin.errors.badRequest',
  internal: 'admin.errors.internal',
} as const

/**
 * Whatever a call threw, as an AdminApiError worded for an admin in the active language. The
 * parsing is the kernel's (one parser for the whole app); this names the field and words timeouts,
 * 401, 403 and the known error codes; an unknown code keeps the server's (English) message, and a
 * schema error ("Invalid request: body/username must match pattern …") says what the field's own
 * check would say, without the schema's jargon.
 */
export async function toAdminError(err: unknown): Promise<AdminApiError> {
  if (err instanceof AdminApiError) return err
  const t = i18n.global.t
  const e = isApiError(err) ? err : errorFromThrown(err)
  if (e.isNetwork) {
    return new AdminApiError(t(e.code === 'timeout' ? 'admin.errors.timeout' : 'admin.errors.offline'), 'network', 0)
  }
  const field = conflictFields[e.code] ?? /body\/(\w+)/.exec(e.message)?.[1]
  const known = CODE_MESSAGES[e.code as keyof typeof CODE_MESSAGES]
  const message =
    e.status === 401 ? t('admin.errors.session')
    : e.status === 403 ? t('admin.errors.forbidden')
    : e.status >= 500 ? t('admin.errors.internal')
    : known ? t(known)
    : /^Invalid request/.test(e.message) ? t('admin.errors.badRequest')
    : e.message
  return new AdminApiError(message, e.code, e.status, field)
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    throw await toAdminError(err)
  }
}

const id = (v: string) => encodeURIComponent(v)

export const adminApi = {
  me: () => call(() => apiJson<{ user: User }>('GET', 'auth/me')).then((r) => r.user),
  listUsers: () => call(() => apiJson<{ users: AdminUser[] }>('GET', 'admin/users')).then((r) => r.users),
  createUser: (body: NewUser) => call(() => apiJson<{ user: AdminUser }>('POST', 'admin/users', { json: body })).then((r) => r.user),
  updateUser: (userId: string, body: UserPatch) =>
    call(() => apiJson<{ user: AdminUser }>('PATCH', `admin/users/${id(userId)}`, { json: body })).then((r) => r.user),
  /** Deactivates: the user, and how many chats they held went back to their queues. */
  deactivateUser: (userId: string) =>
    call(() => apiJson<{ user: AdminUser; returnedConversations: number }>('PATCH', `admin/users/${id(userId)}`, { json: { active: false } })),
  ratings: () => call(() => apiJson<{ ratings: RatingsReport }>('GET', 'admin/ratings')).then((r) => r.ratings),
  listQueues: () => call(() => apiJson<{ queues: Queue[] }>('GET', 'admin/queues')).then((r) => r.queues),
  createQueue: (body: NewQueue) => call(() => apiJson<{ queue: Queue }>('POST', 'admin/queues', { json: body })).then((r) => r.queue),
  updateQueue: (queueId: string, body: QueuePatch) =>
    call(() => apiJson<{ queue: Queue }>('PATCH', `admin/queues/${id(queueId)}`, { json: body })).then((r) => r.queue),
  listDevices: () => call(() => apiJson<{ devices: PushDevice[] }>('GET', 'admin/devices')).then((r) => r.devices),
  updateDevice: (deviceId: string, body: { blocked: boolean }) =>
    call(() => apiJson<{ device: PushDevice }>('PATCH', `admin/devices/${id(deviceId)}`, { json: body })).then((r) => r.device),
  deleteDevice: (deviceId: string) => call(() => apiVoid('DELETE', `admin/devices/${id(deviceId)}`)),
  getPushRules: () => call(() => apiJson<{ push: PushRules }>('GET', 'admin/settings/push')).then((r) => r.push),
  savePushRules: (body: PushRules) => call(() => apiJson<{ push: PushRules }>('PUT', 'admin/settings/push', { json: body })).then((r) => r.push),
  /** The website identity secret: whether one is set and its last 4 characters (it is never read back). */
  getIdentity: () => call(() => apiJson<{ identity: IdentitySettings }>('GET', 'admin/settings/identity')).then((r) => r.identity),
  saveIdentitySecret: (secret: string | null) =>
    call(() => apiJson<{ identity: IdentitySettings }>('PUT', 'admin/settings/identity', { json: { secret } })).then((r) => r.identity),
}

export interface IdentitySettings {
  enabled: boolean
  secretHint: string | null
}
