import type { FastifyInstance } from 'fastify'
import type { RouteTypes } from '../typeProvider.js'
import type { AppContext } from '../../services/context.js'
import { authHooks, userOf } from '../../plugins/auth.js'
import { getConversation, openConversations } from '../../db/repositories/conversations.js'
import { reassignConversation } from '../../services/conversations.js'
import { conversationSchema, idParams } from '../schemas.js'

/**
 * Supervisors (admins; issue 14, point 4): "All open", and moving a conversation to another
 * agent, back to a queue, or to themselves. Admins see every open conversation here, whatever
 * their queues; their sockets get a `supervisor` frame for every change (services/realtime.ts).
 */
export default async function supervisorRoutes(fastify: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireAdmin } = authHooks(ctx)
  app.addHook('preHandler', requireAdmin)

  app.get('/api/admin/open', {
    schema: { response: { 200: { type: 'object', properties: { conversations: { type: 'array', items: conversationSchema } } } } },
  }, async () => ({ conversations: await openConversations(ctx.db) }))

  app.post('/api/admin/conversations/:id/reassign', {
    schema: {
      params: idParams,
      body: {
        type: 'object',
        required: ['clientId', 'action'],
        additionalProperties: false,
        properties: {
          clientId: { type: 'string', format: 'uuid' },
          action: { type: 'string', enum: ['offer', 'assign', 'queue', 'takeover'] },
          agentId: { type: 'string', format: 'uuid' },
          queueId: { type: 'string', format: 'uuid' },
        },
      },
      response: { 200: { type: 'object', properties: { conversation: conversationSchema } } },
    },
  }, async (req) => {
    const result = await reassignConversation(ctx, userOf(req).id, req.params.id, req.body)
    // A repeat: the conversation as it is now (supervisors see every conversation's state).
    return { conversation: result.replayed ? await getConversation(ctx.db, req.params.id, userOf(req).id) : result.conversation }
  })
}
