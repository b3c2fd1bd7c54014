import type { RouteTypes } from '../typeProvider.js'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { createRealtimeHub, type RealtimeOptions } from '../../services/realtime.js'
import { SESSION_COOKIE, sessionForToken } from '../../plugins/auth.js'

/** `/api/ws`: the realtime socket (protocol in docs/architecture.md, rules in services/realtime.ts). */
export default async function wsRoutes(fastify: FastifyInstance, { ctx, realtime }: { ctx: AppContext; realtime?: Partial<RealtimeOptions> }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const hub = createRealtimeHub(ctx, realtime, app.log)
  await hub.start()
  app.addHook('onClose', async () => hub.close())

  // Synchronous: the hub attaches its message handler before anything is awaited, so no frame
  // (ws buffers none for us) is missed while the session is looked up.
  app.get('/api/ws', { websocket: true }, (socket, req) => {
    hub.accept(socket, req.cookies[SESSION_COOKIE], (token) => sessionForToken(ctx, token))
  })
}
