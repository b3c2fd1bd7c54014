import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { AdminUser, Queue, Role, RoutingMode } from '../../api-types.js'
import type { AppContext } from '../../services/context.js'
import { conflict, notFound } from '../../services/errors.js'
import { hashPassword } from '../../services/passwords.js'
import { authHooks } from '../../plugins/auth.js'
import { toUser } from '../../db/repositories/users.js'
import { announceRevoked, endSessions, type Revocation } from '../../services/sessions.js'
import { identitySettings, MIN_SECRET_LENGTH, setIdentitySecret } from '../../services/identity.js'
import { withEvents } from '../../services/events.js'
import { deactivateUser } from '../../services/users.js'
import { normalizeUsername } from '../../services/usernames.js'

const uuidParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const
const userFields = {
  displayName: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
  role: { type: 'string', enum: ['agent', 'admin'] },
  password: { type: 'string', minLength: 8, maxLength: 200 },
  maxConcurrent: { type: 'integer', minimum: 1, maximum: 50 },
  queueIds: { type: 'array', items: { type: 'string', format: 'uuid' }, uniqueItems: true, maxItems: 200 },
} as const
const queueFields = {
  name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
  address: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
  routingMode: { type: 'string', enum: ['picklist', 'offer'] },
  memberIds: { type: 'array', items: { type: 'string', format: 'uuid' }, uniqueItems: true, maxItems: 1000 },
} as const

interface UserBody { username: string; displayName: string; role: Role; password: string; maxConcurrent?: number; queueIds?: string[]; active?: boolean }
interface QueueBody { name: string; address: string; routingMode: RoutingMode; memberIds?: string[] }

const isUniqueViolation = (err: unknown) => /unique|duplicate key/i.test(String((err as Error)?.message))

/** The admin area: agents and queues. Every route needs an admin session. */
export default async function adminRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const { requireAdmin } = authHooks(ctx)
  app.addHook('preHandler', requireAdmin)

  async function adminUsers(ids?: string[]): Promise<AdminUser[]> {
    let q = ctx.db.selectFrom('users').selectAll().orderBy('display_name')
    if (ids) q = q.where('id', 'in', ids)
    const rows = await q.execute()
    const members = await ctx.db.selectFrom('queue_members').selectAll().execute()
    return rows.map((r) => ({ ...toUser(r), queueIds: members.filter((m) => m.user_id === r.id).map((m) => m.queue_id) }))
  }
  async function queues(ids?: string[]): Promise<Queue[]> {
    let q = ctx.db.selectFrom('queues').selectAll().orderBy('name')
    if (ids) q = q.where('id', 'in', ids)
    const rows = await q.execute()
    const members = await ctx.db.selectFrom('queue_members').selectAll().execute()
    return rows.map((r) => ({
      id: r.id, name: r.name, address: r.address, routingMode: r.routing_mode,
      memberIds: members.filter((m) => m.queue_id === r.id).map((m) => m.user_id),
    }))
  }
  const membershipChanged = (userId: string | null) => ctx.pubsub.publish({ kind: 'control', control: 'membership.changed', userId })

  app.get('/api/admin/users', async () => ({ users: await adminUsers() }))

  app.post<{ Body: UserBody }>('/api/admin/users', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'displayName', 'role', 'password'],
        properties: { username: { type: 'string', pattern: '^[a-zA-Z0-9._-]{2,50}$' }, ...userFields },
      },
    },
  }, async (req, reply) => {
    const id = randomUUID()
    const b = req.body
    try {
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values({
          id, username: normalizeUsername(b.username), display_name: b.displayName.trim(), role: b.role, password_hash: await hashPassword(b.password),
          active: 1, presence: 'available', max_concurrent: b.maxConcurrent ?? 5, created_at: Date.now(), last_assigned_at: null,
        }).execute()
        if (b.queueIds?.length) await trx.insertInto('queue_members').values(b.queueIds.map((queue_id) => ({ queue_id, user_id: id }))).execute()
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('username_taken', `The username ${b.username} is already taken`)
      if (/foreign key/i.test(String((err as Error).message))) throw notFound('Queue not found')
      throw err
    }
    return reply.status(201).send({ user: (await adminUsers([id]))[0] })
  })

  app.patch<{ Params: { id: string }; Body: Partial<UserBody> }>('/api/admin/users/:id', {
    schema: {
      params: uuidParams,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { ...userFields, active: { type: 'boolean' } } },
    },
  }, async (req) => {
    const b = req.body
    const id = req.params.id
    if (id === req.user!.id && (b.active === false || b.role === 'agent')) {
      throw conflict('self_lockout', "You can't deactivate yourself or remove your own admin role")
    }
    const exists = await ctx.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()
    if (!exists) throw notFound('User not found')
    let revoked: Revocation | undefined
    // withEvents: a deactivation writes system lines and conversation updates, published after the commit.
    const deactivated = await withEvents(ctx, async (trx, emit) => {
      // First: it takes its locks in the order picks and accepts do (see deactivateUser).
      const released = b.active === false ? await deactivateUser(trx, ctx, emit, id) : undefined
      const set: Record<string, unknown> = {}
      if (b.displayName !== undefined) set.display_name = b.displayName.trim()
      if (b.role !== undefined) set.role = b.role
      if (b.maxConcurrent !== undefined) set.max_concurrent = b.maxConcurrent
      if (b.active === true) set.active = 1
      if (b.password !== undefined) set.password_hash = await hashPassword(b.password)
      if (Object.keys(set).length) await trx.updateTable('users').set(set).where('id', '=', id).execute()
      if (b.queueIds) {
        await trx.deleteFrom('queue_members').where('user_id', '=', id).execute()
        if (b.queueIds.length) await trx.insertInto('queue_members').values(b.queueIds.map((queue_id) => ({ queue_id, user_id: id }))).execute()
      }
      // A reset password or a deactivation ends every session of that user (and, once committed, their sockets).
      if (b.password !== undefined || b.active === false) revoked = await endSessions(trx, { userId: id }, b.active === false ? 'deactivated' : 'password_changed')
      return released
    })
    if (b.active === false) ctx.pubsub.publish({ kind: 'control', control: 'user.deactivated', userId: id })
    if (revoked) announceRevoked(ctx, revoked)
    if (b.queueIds) membershipChanged(id)
    return { user: (await adminUsers([id]))[0], ...deactivated }
  })

  app.get('/api/admin/queues', async () => ({ queues: await queues() }))

  app.post<{ Body: QueueBody }>('/api/admin/queues', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['name', 'address', 'routingMode'], properties: queueFields } },
  }, async (req, reply) => {
    const id = randomUUID()
    const b = req.body
    try {
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('queues').values({ id, name: b.name.trim(), address: b.address, routing_mode: b.routingMode, created_at: Date.now() }).execute()
        if (b.memberIds?.length) await trx.insertInto('queue_members').values(b.memberIds.map((user_id) => ({ queue_id: id, user_id }))).execute()
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('address_taken', `The address ${b.address} is already used by another queue`)
      if (/foreign key/i.test(String((err as Error).message))) throw notFound('User not found')
      throw err
    }
    if (b.memberIds?.length) membershipChanged(null)
    return reply.status(201).send({ queue: (await queues([id]))[0] })
  })

  app.patch<{ Params: { id: string }; Body: Partial<QueueBody> }>('/api/admin/queues/:id', {
    schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: queueFields } },
  }, async (req) => {
    const b = req.body
    const id = req.params.id
    const exists = await ctx.db.selectFrom('queues').select('id').where('id', '=', id).executeTakeFirst()
    if (!exists) throw notFound('Queue not found')
    try {
      await ctx.db.transaction().execute(async (trx) => {
        const set: Record<string, unknown> = {}
        if (b.name !== undefined) set.name = b.name.trim()
        if (b.address !== undefined) set.address = b.address
        if (b.routingMode !== undefined) set.routing_mode = b.routingMode
        if (Object.keys(set).length) await trx.updateTable('queues').set(set).where('id', '=', id).execute()
        if (b.memberIds) {
          await trx.deleteFrom('queue_members').where('queue_id', '=', id).execute()
          if (b.memberIds.length) await trx.insertInto('queue_members').values(b.memberIds.map((user_id) => ({ queue_id: id, user_id }))).execute()
        }
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('address_taken', `The address ${b.address} is already used by another queue`)
      if (/foreign key/i.test(String((err as Error).message))) throw notFound('User not found')
      throw err
    }
    if (b.memberIds) membershipChanged(null)
    return { queue: (await queues([id]))[0] }
  })

  // Identity verification (issue 10, point 6): the secret the company's website signs user ids
  // with. Write-only: answers say whether one is set and its last 4 characters, never the secret.
  app.get('/api/admin/settings/identity', async () => ({ identity: await identitySettings(ctx.db) }))

  app.put<{ Body: { secret: string | null } }>('/api/admin/settings/identity', {
    schema: {
      body: {
        type: 'object', required: ['secret'], additionalProperties: false,
        properties: {
          secret: { anyOf: [{ type: 'null' }, { type: 'string', minLength: MIN_SECRET_LENGTH, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' }] },
        },
      },
    },
  }, async (req) => {
    await setIdentitySecret(ctx.db, req.body.secret)
    return { identity: await identitySettings(ctx.db) }
  })
}
