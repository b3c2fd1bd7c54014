import ky, { HTTPError } from 'ky'
import type { AdminUser, PushDevice, PushRules, Queue, Role, RoutingMode, User } from '../../../server/src/api-types'

/** The admin area's own client: same-origin cookie session, JSON in and out. */
const api = ky.create({ prefixUrl: '/api/', credentials: 'same-origin', retry: 0, timeout: 15_000 })

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
export type QueuePatch = Partial<NewQueue>

/** A failed call, with the server's code and message and the field it names (if any). */
export class AdminApiError extends Error {
  constructor(message: string, readonly code: string, readonly status: number, readonly field?: string) {
    super(message)
    this.name = 'AdminApiError'
  }
}

const conflictFields: Record<string, string> = { username_taken: 'username', address_taken: 'address', self_lockout: 'role' }

/** Turns whatever a call threw into an AdminApiError with a message a person can read. */
export async function toAdminError(err: unknown): Promise<AdminApiError> {
  if (err instanceof AdminApiError) return err
  if (err instanceof HTTPError) {
    const status = err.response.status
    let code = 'error'
    let message = `The server answered ${status}`
    try {
      const body = (await err.response.clone().json()) as { error?: { code?: string; message?: string } }
      if (body.error?.code) code = body.error.code
      if (body.error?.message) message = body.error.message
    } catch {
      // not JSON: keep the generic message
    }
    // Schema errors look like "Invalid request: body/username must match pattern …".
    const field = conflictFields[code] ?? /body\/(\w+)/.exec(message)?.[1]
    if (status === 401) message = 'Your session has ended. Sign in again.'
    if (status === 403) message = 'Only admins can do this.'
    return new AdminApiError(message, code, status, field)
  }
  const message = err instanceof Error && err.name === 'TimeoutError'
    ? 'The server took too long to answer. Try again.'
    : "Can't reach the server. Check the connection and try again."
  return new AdminApiError(message, 'network', 0)
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    throw await toAdminError(err)
  }
}

export const adminApi = {
  me: () => call(() => api.get('auth/me').json<{ user: User }>()).then((r) => r.user),
  listUsers: () => call(() => api.get('admin/users').json<{ users: AdminUser[] }>()).then((r) => r.users),
  createUser: (body: NewUser) => call(() => api.post('admin/users', { json: body }).json<{ user: AdminUser }>()).then((r) => r.user),
  updateUser: (id: string, body: UserPatch) =>
    call(() => api.patch(`admin/users/${encodeURIComponent(id)}`, { json: body }).json<{ user: AdminUser }>()).then((r) => r.user),
  /** Deactivates: the user, and how many chats they held went back to their queues. */
  deactivateUser: (id: string) =>
    call(() => api.patch(`admin/users/${encodeURIComponent(id)}`, { json: { active: false } }).json<{ user: AdminUser; returnedConversations: number }>()),
  listQueues: () => call(() => api.get('admin/queues').json<{ queues: Queue[] }>()).then((r) => r.queues),
  createQueue: (body: NewQueue) => call(() => api.post('admin/queues', { json: body }).json<{ queue: Queue }>()).then((r) => r.queue),
  updateQueue: (id: string, body: QueuePatch) =>
    call(() => api.patch(`admin/queues/${encodeURIComponent(id)}`, { json: body }).json<{ queue: Queue }>()).then((r) => r.queue),
  listDevices: () => call(() => api.get('admin/devices').json<{ devices: PushDevice[] }>()).then((r) => r.devices),
  updateDevice: (id: string, body: { blocked: boolean }) =>
    call(() => api.patch(`admin/devices/${encodeURIComponent(id)}`, { json: body }).json<{ device: PushDevice }>()).then((r) => r.device),
  // JSON even with nothing to say: the server takes state-changing requests as JSON only.
  deleteDevice: (id: string) => call(() => api.delete(`admin/devices/${encodeURIComponent(id)}`, { json: {} })).then(() => undefined),
  getPushRules: () => call(() => api.get('admin/settings/push').json<{ push: PushRules }>()).then((r) => r.push),
  savePushRules: (body: PushRules) =>
    call(() => api.put('admin/settings/push', { json: body }).json<{ push: PushRules }>()).then((r) => r.push),
  /** The website identity secret: whether one is set and its last 4 characters (it is never read back). */
  getIdentity: () => call(() => api.get('admin/settings/identity').json<{ identity: IdentitySettings }>()).then((r) => r.identity),
  saveIdentitySecret: (secret: string | null) =>
    call(() => api.put('admin/settings/identity', { json: { secret } }).json<{ identity: IdentitySettings }>()).then((r) => r.identity),
}

export interface IdentitySettings {
  enabled: boolean
  secretHint: string | null
}
