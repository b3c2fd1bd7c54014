import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'
import type { AppContext } from '../../services/context.js'
import { handleSocket } from '../../services/realtime.js'
import { SESSION_COOKIE, userForSession } from '../../plugins/auth.js'

const PING_MS = 25_000

export default async function wsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const alive = new WeakMap<WebSocket, boolean>()
  const sockets = new Set<WebSocket>()
  // Drop sockets that stopped answering pings (a phone that lost its network says nothing).
  const timer = setInterval(() => {
    for (const s of sockets) {
      if (alive.get(s) === false) {
        s.terminate()
        continue
      }
      alive.set(s, false)
      s.ping()
    }
  }, PING_MS)
  timer.unref()
  app.addHook('onClose', async () => clearInterval(timer))

  app.get('/api/ws', { websocket: true }, async (socket, req) => {
    sockets.add(socket)
    alive.set(socket, true)
    socket.on('pong', () => alive.set(socket, true))
    socket.on('close', () => sockets.delete(socket))
    // Register the message handler synchronously-ish: the session lookup is fast, and ws
    // buffers nothing for us, so we attach before awaiting anything else.
    const userPromise = userForSession(ctx, req.cookies[SESSION_COOKIE])
    const pending: unknown[] = []
    const early = (d: unknown) => pending.push(d)
    socket.on('message', early)
    const user = await userPromise
    socket.off('message', early)
    handleSocket(ctx, socket, user)
    for (const d of pending) socket.emit('message', d)
  })
}
