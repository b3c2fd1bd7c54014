import type { RouteTypes } from '../typeProvider.js'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { authHooks, userOf } from '../../plugins/auth.js'
import { listAdminUsers } from '../../db/repositories/users.js'
import { listQueues } from '../../db/repositories/queues.js'
import { identitySettings, MIN_SECRET_LENGTH, setIdentitySecret } from '../../services/identity.js'
import { changeUser, createUser } from '../../services/users.js'
import { changeQueue, createQueue } from '../../services/queues.js'
import { setWorkSettings } from '../../services/workSettings.js'
import { userText, workSettingsSchema } from '../schemas.js'
import { TEXT_LIMITS } from '../../text.js'
import { ratingsReport } from '../../services/customerSide.js'

const uuidParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const
const userFields = {
  displayName: { ...userText(TEXT_LIMITS.name), minLength: 1, pattern: '\\S' },
  role: { type: 'string', enum: ['agent', 'admin'] },
  password: { type: 'string', minLength: 8, maxLength: 200 },
  maxConcurrent: { type: 'integer', minimum: 1, maximum: 50 },
  queueIds: { type: 'array', items: { type: 'string', format: 'uuid' }, uniqueItems: true, maxItems: 200 },
} as const
const queueFields = {
  name: { ...userText(TEXT_LIMITS.name), minLength: 1, pattern: '\\S' },
  address: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
  routingMode: { type: 'string', enum: ['picklist', 'offer'] },
  memberIds: { type: 'array', items: { type: 'string', format: 'uuid' }, uniqueItems: true, maxItems: 1000 },
  // Origins whose pages may frame this queue's chat (scheme://host[:port], no path).
  embedOrigins: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 8, maxLength: 300, pattern: '^https?://[^/?#\\s]+/?$' } },
  openingHours: {
    anyOf: [
      { type: 'null' },
      {
        type: 'object', required: ['timeZone', 'week'], additionalProperties: false,
        properties: {
          timeZone: { type: 'string', minLength: 1, maxLength: 64 },
          week: {
            type: 'array', minItems: 7, maxItems: 7,
            items: {
              type: 'array', maxItems: 6,
              items: {
                type: 'object', required: ['from', 'to'], additionalProperties: false,
                properties: {
                  from: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
                  to: { type: 'string', pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' },
                },
              },
            },
          },
        },
      },
    ],
  },
} as const

/** The admin area: agents and queues. Every route needs an admin session. */
export default async function adminRoutes(fastify: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireAdmin } = authHooks(ctx)
  app.addHook('preHandler', requireAdmin)

  app.get('/api/admin/users', async () => ({ users: await listAdminUsers(ctx.db) }))

  app.post('/api/admin/users', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'displayName', 'role', 'password'],
        properties: { username: { type: 'string', pattern: '^[a-zA-Z0-9._-]{2,50}$' }, ...userFields },
      },
    },
  }, async (req, reply) => reply.status(201).send({ user: await createUser(ctx, req.body) }))

  app.patch('/api/admin/users/:id', {
    schema: {
      params: uuidParams,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { ...userFields, active: { type: 'boolean' } } },
    },
  }, async (req) => changeUser(ctx, userOf(req).id, req.params.id, req.body))

  app.get('/api/admin/queues', async () => ({ queues: await listQueues(ctx.db) }))

  app.post('/api/admin/queues', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['name', 'address', 'routingMode'], properties: queueFields } },
  }, async (req, reply) => reply.status(201).send({ queue: await createQueue(ctx, req.body) }))

  app.patch('/api/admin/queues/:id', {
    schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: queueFields } },
  }, async (req) => ({ queue: await changeQueue(ctx, req.params.id, req.body) }))

  // The agent's day (issue 14): missed offers before Away, waiting-time thresholds.
  app.put('/api/admin/settings/work', {
    schema: { body: workSettingsSchema, response: { 200: { type: 'object', properties: { work: workSettingsSchema } } } },
  }, async (req) => ({ work: await setWorkSettings(ctx.db, req.body) }))

  // Customers' ratings of ended chats, summed per agent and per queue, with the newest comments.
  app.get('/api/admin/ratings', async () => ({ ratings: await ratingsReport(ctx) }))

  // Identity verification (issue 10, point 6): the secret the company's website signs user ids
  // with. Write-only: answers say whether one is set and its last 4 characters, never the secret.
  app.get('/api/admin/settings/identity', async () => ({ identity: await identitySettings(ctx.db) }))

  app.put('/api/admin/settings/identity', {
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
