import type { RouteTypes } from '../typeProvider.js'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { ping } from '../../db/repositories/settings.js'

export default async function healthRoutes(fastify: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  app.get('/api/health', {
    schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' }, db: { type: 'string' } } } } },
  }, async () => {
    await ping(ctx.db)
    return { status: 'ok', db: ctx.kind }
  })
}
