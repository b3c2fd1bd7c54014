import type { FastifyInstance } from 'fastify'
import type { RouteTypes } from '../typeProvider.js'
import type { SearchPage } from '../../api-types.js'
import type { AppContext } from '../../services/context.js'
import { authHooks, userOf } from '../../plugins/auth.js'
import { isSearchCursor, search } from '../../services/search.js'
import { decodeCursor, encodeCursor } from '../cursor.js'
import { conversationSchema, userText } from '../schemas.js'

const hitSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' }, conversationId: { type: 'string' }, messageId: { type: ['string', 'null'] }, seq: { type: ['integer', 'null'] },
    at: { type: 'number' },
    snippet: {
      type: 'object',
      properties: { text: { type: 'string' }, ranges: { type: 'array', items: { type: 'array', items: { type: 'integer' } } } },
    },
    conversation: conversationSchema,
  },
} as const

/** Search (issue 14, point 2): one endpoint over customers, conversations and messages the agent may see. */
export default async function searchRoutes(fastify: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireUser } = authHooks(ctx)
  app.addHook('preHandler', requireUser)

  app.get('/api/search', {
    schema: {
      querystring: {
        type: 'object',
        required: ['q'],
        properties: {
          q: { ...userText(200), minLength: 1 },
          limit: { type: 'integer', minimum: 1, maximum: 50, default: 20 },
          cursor: { type: 'string', maxLength: 200 },
        },
      },
      response: { 200: { type: 'object', properties: { hits: { type: 'array', items: hitSchema }, nextCursor: { type: ['string', 'null'] } } } },
    },
  }, async (req): Promise<SearchPage> => {
    const offset = req.query.cursor ? decodeCursor(req.query.cursor, isSearchCursor).o : 0
    const { hits, next } = await search(ctx, userOf(req).id, req.query.q, req.query.limit, offset)
    return { hits, nextCursor: next === null ? null : encodeCursor({ o: next }) }
  })
}
