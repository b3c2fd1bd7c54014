// The reference for send throughput, cold start and idle RSS: a Fastify route that parses the same
// JSON body and does nothing. Plain JavaScript started with plain `node`, as production starts
// Parley's built server (server/dist/main.js), so both sides of each ratio load the same way.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/health', async () => ({ status: 'ok' }))
app.post('/noop', async (_req, reply) => reply.status(201).send({ ok: true }))
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' })
process.once('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
