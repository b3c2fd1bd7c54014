// ad hoc (not committed): profile the delivery run
import { DELIVERY, measureDelivery, parleySender, relaySender } from './delivery.js'
import { Farm } from './lib/farm.js'
import { checkAgent, seedAgents, startChats } from './lib/seed.js'
import { spawnServer, startParley } from './lib/server.js'
import { sleep } from './lib/stats.js'
const farm = Farm.start()
const ws = (u: string) => u.replace(/^http/, 'ws') + '/api/ws'
if (process.env.RELAY) {
  const r = await spawnServer('bench/servers/relay.mjs', {}, '/health')
  await farm.connect(ws(r.url).replace('/api/ws', '/'), DELIVERY.sockets, { hello: false, rooms: DELIVERY.queues })
  const d = await measureDelivery(farm, DELIVERY.queues, relaySender(r.url, DELIVERY.queues))
  console.log('relay', d.p50.toFixed(1), d.p99.toFixed(1), d.missing)
  await farm.close(); await r.stop()
}
const server = await startParley(process.env.PGURL)
const { cookies, addresses } = await seedAgents(server, DELIVERY.sockets, DELIVERY.queues)
await checkAgent(server.url, cookies[0]!)
const tokens = await startChats(server.url, DELIVERY.conversations, addresses)
await farm.connect(ws(server.url), DELIVERY.sockets, { cookies, hello: true })
await sleep(1000)
const d = await measureDelivery(farm, DELIVERY.queues, parleySender(server.url, tokens))
console.log('parley', d.p50.toFixed(1), d.p99.toFixed(1), 'missing', d.missing, 'failed', d.failed, 'lag', d.lagMs.toFixed(0))
await farm.close(); await server.stop(); farm.stop(); process.exit(0)
