// The floor for delivery latency: a bare `ws` server that broadcasts each HTTP-posted message to
// the sockets of one room (as Parley sends a message to the agents of one queue) or, for room
// `all`, to every socket, in a frame shaped like Parley's. No database, no auth, no filtering.
// Plain JavaScript started with plain `node`, like Parley's built server.
import { createServer } from 'node:http'
import { WebSocketServer, WebSocket } from 'ws'

/** @type {Map<string, Set<WebSocket>>} */
const rooms = new Map()
/** @param {string | undefined} url */
const roomOf = (url) => new URL(url ?? '/', 'http://x').searchParams.get('room') ?? '0'

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return void res.writeHead(200).end('ok')
  if (req.method !== 'POST' || !req.url?.startsWith('/send')) return void res.writeHead(404).end()
  /** @type {Buffer[]} */
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const frame = `{"type":"event","event":{"type":"message.created","data":{"message":${Buffer.concat(chunks).toString()}}}}`
    const room = roomOf(req.url)
    for (const ws of room === 'all' ? wss.clients : rooms.get(room) ?? []) if (ws.readyState === WebSocket.OPEN) ws.send(frame)
    res.writeHead(204).end()
  })
})
const wss = new WebSocketServer({ server, perMessageDeflate: false })
wss.on('connection', (ws, req) => {
  const room = roomOf(req.url)
  let set = rooms.get(room)
  if (!set) rooms.set(room, (set = new Set()))
  set.add(ws)
  ws.on('close', () => set.delete(ws))
})
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1')
process.once('SIGTERM', () => { for (const ws of wss.clients) ws.terminate(); server.close(() => process.exit(0)) })
