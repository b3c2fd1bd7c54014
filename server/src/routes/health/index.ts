import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../services/context.js'

export default async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  app.get('/api/health', {
    schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' }, db: { type: 'string' } } } } },
  }, async () => {
    await ctx.db.selectFrom('settings').select('key').limit(1).execute()
    return { status: 'ok', db: ctx.kind }
  })
}
