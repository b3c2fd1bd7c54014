import type { FastifyInstance } from 'fastify'
import type { Presence, TransferTarget } from '../../api-types.js'
import type { AppContext } from '../../services/context.js'
import { authHooks } from '../../plugins/auth.js'
import { getUser } from '../../db/repositories/users.js'
import { routeWaiting } from '../../services/routing.js'
import { userSchema } from '../schemas.js'

export default async function meRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const { requireUser } = authHooks(ctx)
  app.addHook('preHandler', requireUser)

  app.patch<{ Body: { presence?: Presence; notifyMessages?: boolean } }>('/api/me', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { presence: { type: 'string', enum: ['available', 'away'] }, notifyMessages: { type: 'boolean' } },
      },
      response: { 200: { type: 'object', properties: { user: userSchema } } },
    },
  }, async (req) => {
    const { presence, notifyMessages } = req.body
    await ctx.db.updateTable('users')
      .set({ ...(presence ? { presence } : {}), ...(notifyMessages !== undefined ? { notify_messages: notifyMessages ? 1 : 0 } : {}) })
      .where('id', '=', req.user!.id).execute()
    // Becoming available may let waiting chats be offered right away.
    if (req.body.presence === 'available') routeWaiting(ctx).catch((err: unknown) => req.log.error({ err }, 'routing failed'))
    return { user: await getUser(ctx.db, req.user!.id) }
  })

  /** Queues and their agents, for Transfer: any agent may transfer to any queue. */
  app.get('/api/transfer-targets', async (): Promise<{ targets: TransferTarget[] }> => {
    const queues = await ctx.db.selectFrom('queues').select(['id', 'name', 'address']).orderBy('name').execute()
    const members = await ctx.db
      .selectFrom('queue_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.queue_id', 'u.id', 'u.display_name', 'u.presence', 'u.max_concurrent'])
      .where('u.active', '=', 1)
      .orderBy('u.display_name')
      .execute()
    // Open chats per agent in one query: picked ones carry agent_id, offered ones offered_to.
    const counts = await ctx.db
      .selectFrom('conversations')
      .select((eb) => [eb.fn.coalesce('agent_id', 'offered_to').as('uid'), eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['picked', 'offered'])
      .groupBy((eb) => eb.fn.coalesce('agent_id', 'offered_to'))
      .execute()
    const loads = new Map(counts.map((c) => [c.uid, Number(c.n)]))
    return {
      targets: queues.map((q) => ({
        queue: q,
        agents: members.filter((m) => m.queue_id === q.id).map((m) => ({
          id: m.id, displayName: m.display_name, presence: m.presence, load: loads.get(m.id) ?? 0, maxConcurrent: m.max_concurrent,
        })),
      })),
    }
  })
}
