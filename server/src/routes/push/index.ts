import { randomUUID } from 'node:crypto'
import type { RouteTypes } from '../typeProvider.js'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { conflict, HttpError, notFound } from '../../services/errors.js'
import { authHooks, SESSION_COOKIE, userOf } from '../../plugins/auth.js'
import { hashToken } from '../../services/conversations.js'
import { revokeSessions } from '../../services/sessions.js'
import { getPushRules, setPushRules, vapidKeys, type PushService } from '../../services/push.js'
import { PushEndpointRefused } from '../../services/pushEndpoint.js'
import { userLocale } from '../../db/repositories/users.js'
import { pushText, pushWords } from '../../i18n/index.js'
import { idParams, userText } from '../schemas.js'
import { TEXT_LIMITS } from '../../text.js'
import {
  countPushDevices, deletePushDevice, insertPushDevice, listPushDevices, pushDeviceByEndpoint, pushDeviceSession, setPushDeviceBlocked,
  updatePushSubscription,
} from '../../db/repositories/pushDevices.js'

const deviceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, userId: { type: 'string' }, userName: { type: 'string' }, name: { type: 'string' },
    blocked: { type: 'boolean' }, createdAt: { type: 'number' }, lastPushAt: { type: ['number', 'null'] },
  },
} as const

export default async function pushRoutes(fastify: FastifyInstance, { ctx, push }: { ctx: AppContext; push: PushService }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireUser, requireAdmin } = authHooks(ctx)

  app.register(async (scope) => {
    const agent = scope.withTypeProvider<RouteTypes>()
    agent.addHook('preHandler', requireUser)

    agent.get('/api/push/key', async () => ({ publicKey: (await vapidKeys(ctx.db)).publicKey }))

    agent.get('/api/push/devices', async (req) => ({
      devices: await listPushDevices(ctx.db, { userId: userOf(req).id }), maxDevices: (await getPushRules(ctx.db)).maxDevices,
    }))

    agent.post('/api/push/devices', {
      schema: {
        body: {
          type: 'object', required: ['name', 'subscription'], additionalProperties: false,
          properties: {
            name: { ...userText(TEXT_LIMITS.deviceName), minLength: 1 },
            subscription: {
              type: 'object', required: ['endpoint', 'keys'],
              properties: {
                endpoint: { type: 'string', format: 'uri', pattern: '^https://', maxLength: 1000 },
                expirationTime: { type: ['number', 'null'] },
                keys: {
                  type: 'object', required: ['p256dh', 'auth'],
                  properties: { p256dh: { type: 'string', pattern: '^[A-Za-z0-9_-]{80,100}$' }, auth: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,30}$' } },
                },
              },
            },
          },
        },
        response: { '2xx': { type: 'object', properties: { device: deviceSchema } } },
      },
    }, async (req, reply) => {
      const { endpoint, keys } = req.body.subscription
      // Only a known push service's https URL: the server will connect there (see pushEndpoint.ts).
      try {
        push.checkEndpoint(endpoint)
      } catch (err) {
        if (err instanceof PushEndpointRefused) throw new HttpError(400, err.code, err.message)
        throw err
      }
      const sessionId = hashToken(req.cookies[SESSION_COOKIE] ?? '')
      const userId = userOf(req).id
      const existing = await pushDeviceByEndpoint(ctx.db, endpoint)
      if (existing?.blocked) throw conflict('device_blocked', 'This device was blocked by an admin')
      if (existing && existing.user_id === userId) {
        // The same browser subscribing again (new keys, new name): update, don't count twice.
        await updatePushSubscription(ctx.db, existing.id, { name: req.body.name, p256dh: keys.p256dh, auth: keys.auth, sessionId })
        return { device: (await listPushDevices(ctx.db, { id: existing.id }))[0] }
      }
      if (existing) await deletePushDevice(ctx.db, existing.id) // handed to another user
      const { maxDevices } = await getPushRules(ctx.db)
      if ((await countPushDevices(ctx.db, userId)) >= maxDevices) {
        throw conflict('device_limit', `You can get notifications on at most ${maxDevices} devices. Remove one in Settings first.`)
      }
      const id = randomUUID()
      await insertPushDevice(ctx.db, { id, userId, name: req.body.name, endpoint, p256dh: keys.p256dh, auth: keys.auth, sessionId })
      return reply.status(201).send({ device: (await listPushDevices(ctx.db, { id }))[0] })
    })

    agent.delete('/api/push/devices/:id', { schema: { params: idParams } }, async (req, reply) => {
      if (!(await deletePushDevice(ctx.db, req.params.id, userOf(req).id))) throw notFound('Device not found')
      return reply.status(204).send()
    })

    agent.post('/api/push/test', async (req) => {
      // The test notification, in the user's language.
      const locale = await userLocale(ctx.db, userOf(req).id)
      const payload = { kind: 'test' as const, conversationId: null, title: 'Parley', body: pushText(locale, 'test'), words: pushWords(locale) }
      return { sent: await push.sendToUser(userOf(req).id, payload, { ttl: 60 }) }
    })
  })

  app.register(async (scope) => {
    const admin = scope.withTypeProvider<RouteTypes>()
    admin.addHook('preHandler', requireAdmin)
    admin.get('/api/admin/devices', async () => ({ devices: await listPushDevices(ctx.db) }))

    admin.patch('/api/admin/devices/:id', {
      schema: { params: idParams, body: { type: 'object', required: ['blocked'], additionalProperties: false, properties: { blocked: { type: 'boolean' } } } },
    }, async (req) => {
      const device = await pushDeviceSession(ctx.db, req.params.id)
      if (!device) throw notFound('Device not found')
      await setPushDeviceBlocked(ctx.db, device.id, req.body.blocked)
      // A blocked device is signed out: the session it subscribed with ends.
      if (req.body.blocked && device.session_id) await revokeSessions(ctx, { sessionIds: [device.session_id] }, 'device_blocked')
      return { device: (await listPushDevices(ctx.db, { id: device.id }))[0] }
    })

    admin.delete('/api/admin/devices/:id', { schema: { params: idParams } }, async (req, reply) => {
      if (!(await deletePushDevice(ctx.db, req.params.id))) throw notFound('Device not found')
      return reply.status(204).send()
    })

    admin.get('/api/admin/settings/push', async () => ({ push: await getPushRules(ctx.db) }))
    admin.put('/api/admin/settings/push', {
      schema: {
        body: {
          type: 'object', required: ['maxDevices', 'preview'], additionalProperties: false,
          properties: { maxDevices: { type: 'integer', minimum: 1, maximum: 20 }, preview: { type: 'boolean' } },
        },
      },
    }, async (req) => ({ push: await setPushRules(ctx.db, req.body) }))
  })
}
