import { loadConfig } from './config.js'
import { buildApp } from './app.js'
import { startRouter } from './services/routing.js'

const config = loadConfig()
// The first admin and queue on an empty database are created while the routes register.
const { app, ctx, first = { created: false } } = await buildApp(config, { bootstrap: { adminPassword: config.adminPassword } })
await app.listen({ port: config.port, host: config.host })
// Offer timeouts and offers of waiting chats; safe to run in every server process.
const stopRouter = startRouter(ctx)

const lines = [
  `Parley is running (${ctx.kind} database).`,
  `  Agent app:          ${config.publicUrl}/`,
  `  Customer chat page: ${config.publicUrl}/chat/support`,
]
if (first.created) {
  lines.push(first.generatedPassword
    ? `  First start: sign in as "admin" with password ${first.generatedPassword} (shown only this once).`
    : '  First start: sign in as "admin" with the password from ADMIN_PASSWORD.')
}
console.log(lines.join('\n'))

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopRouter()
    app.close().then(() => process.exit(0), () => process.exit(1))
  })
}
