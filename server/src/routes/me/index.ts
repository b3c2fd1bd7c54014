import type { RouteTypes } from '../typeProvider.js'
import type { FastifyInstance } from 'fastify'
import type { TransferTarget } from '../../api-types.js'
import { LOCALES } from '../../i18n/index.js'
import type { AppContext } from '../../services/context.js'
import { authHooks, userOf } from '../../plugins/auth.js'
import { getUser, transferTargets, updateUser } from '../../db/repositories/users.js'
import { routeWaiting } from '../../services/routing.js'
import { choosePresence } from '../../services/presence.js'
import { getWorkSettings } from '../../services/workSettings.js'
import { workSettingsSchema } from '../schemas.js'
import { userSchema } from '../schemas.js'

export default async function meRoutes(fastify: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireUser } = authHooks(ctx)
  app.addHook('preHandler', requireUser)

  app.patch('/api/me', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          presence: { type: 'string', enum: ['available', 'away'] }, notifyMessages: { type: 'boolean' },
          // null: follow the browser's language again.
          locale: { type: ['string', 'null'], enum: [...LOCALES, null] },
        },
      },
      response: { 200: { type: 'object', properties: { user: userSchema } } },
    },
  }, async (req) => {
    const { presence, notifyMessages, locale } = req.body
    if (notifyMessages !== undefined || locale !== undefined) {
      await updateUser(ctx.db, userOf(req).id, {
        ...(notifyMessages !== undefined ? { notify_messages: notifyMessages ? 1 : 0 } : {}),
        ...(locale !== undefined ? { locale } : {}),
      })
    }
    // Presence last: its `user` frame then carries the notification and language choices too.
    if (presence) await choosePresence(ctx, userOf(req).id, presence)
    // Becoming available may let waiting chats be offered right away.
    if (req.body.presence === 'available') routeWaiting(ctx).catch((err: unknown) => req.log.error({ err }, 'routing failed'))
    return { user: await getUser(ctx.db, userOf(req).id) }
  })

  /** The admin's thresholds and rules of the agent's day (waiting-time colours; the missed-offers rule). */
  app.get('/api/settings/work', {
    schema: { response: { 200: { type: 'object', properties: { work: workSettingsSchema } } } },
  }, async () => ({ work: await getWorkSettings(ctx.db) }))

  /** Queues and their agents, for Transfer: any agent may transfer to any queue. */
  app.get('/api/transfer-targets', async (): Promise<{ targets: TransferTarget[] }> => {
    return { targets: await transferTargets(ctx.db) }
  })
}
