// Issue 10, point 12: a device's "viewing this chat" mark lives only as long as a socket of that
// device: it is a lease the socket renews, cleared at start, and lapses by itself after a crash.
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { pushTargets } from '../../services/push.js'
import { ADMIN_PASSWORD, createAgent, signIn, startChat, startTestServer, TestSocket, type TestServer } from '../../test/helpers.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const onPg = Boolean(process.env.TEST_DATABASE_URL)

/** A push device of the admin (as POST /api/push/devices stores it) and a chat the admin picked. */
/** An agent's socket that says its device shows `conversationId` (and gives the server a moment to store it). */
async function viewingSocket(url: string, cookie: string, conversationId: string, deviceId: string): Promise<TestSocket> {
  const sock = await TestSocket.open(url, {}, cookie)
  await sock.until((f) => f.type === 'ready')
  sock.ws.send(JSON.stringify({ type: 'viewing', conversationId, deviceId }))
  await sleep(100)
  return sock
}

async function setUp(s: TestServer) {
  const admin = await signIn(s.url, 'admin', ADMIN_PASSWORD)
  const userId = (await admin.req('GET', '/api/auth/me')).body.user.id as string
  const deviceId = randomUUID()
  await s.ctx.db.insertInto('push_devices').values({
    id: deviceId, user_id: userId, name: 'Phone', endpoint: `https://fcm.googleapis.com/fcm/send/${randomUUID()}`,
    p256dh: 'p'.repeat(87), auth: 'a'.repeat(22), session_id: null, blocked: 0, viewing_conversation_id: null, created_at: Date.now(), last_push_at: null,
  }).execute()
  const chat = await startChat(s.url)
  await admin.req('POST', `/api/conversations/${chat.id}/pick`)
  const targets = async () => (await pushTargets(s.ctx.db, userId, chat.id)).map((d) => d.id)
  return { admin, userId, deviceId, chat, targets }
}

describe('viewing marks are leases held by a live socket', () => {
  const servers: TestServer[] = []
  afterEach(async () => {
    for (const s of servers.reverse()) await s.close()
    servers.length = 0
  })

  it('a mark left by a run that died is gone after a restart, and pushes reach the device again', async () => {
    const first = await startTestServer()
    servers.push(first)
    const { deviceId, chat, targets } = await setUp(first)
    // What a socket's process leaves behind when it is killed: a mark and a lease still running.
    const leaseEnds = Date.now() + 800
    await first.ctx.db.updateTable('push_devices').set({ viewing_conversation_id: chat.id, viewing_until: leaseEnds }).where('id', '=', deviceId).execute()
    expect(await targets()).toEqual([])

    // The restart: a new server process on the same database.
    const restarted = await startTestServer({ shareDatabaseOf: first })
    servers.push(restarted)
    if (!onPg) {
      // One process per SQLite database: whatever marks there were belonged to the dead run.
      const row = await restarted.ctx.db.selectFrom('push_devices').select(['viewing_conversation_id', 'viewing_until']).where('id', '=', deviceId).executeTakeFirstOrThrow()
      expect(row).toEqual({ viewing_conversation_id: null, viewing_until: null })
      expect(await targets()).toEqual([deviceId])
    }
    // On every backend, once the lease has run out nobody renewed it: the device gets pushes again.
    await sleep(Math.max(0, leaseEnds - Date.now()) + 50)
    expect(await targets()).toEqual([deviceId])
  })

  it('an open socket renews its mark past the lease; closing the socket ends it', async () => {
    const s = await startTestServer({ realtime: { pingMs: 300, viewingLeaseMs: 900 } })
    servers.push(s)
    const { admin, deviceId, chat, targets } = await setUp(s)
    const sock = await viewingSocket(s.url, admin.cookie, chat.id, deviceId)
    expect(await targets()).toEqual([])
    await sleep(2000) // well past the 900 ms lease: renewed on every ping
    expect(await targets()).toEqual([])
    const row = await s.ctx.db.selectFrom('push_devices').select('viewing_until').where('id', '=', deviceId).executeTakeFirstOrThrow()
    expect(row.viewing_until).toBeGreaterThan(Date.now())

    // Looking elsewhere, then back, then closing.
    sock.ws.send(JSON.stringify({ type: 'viewing', conversationId: null, deviceId }))
    await sleep(100)
    expect(await targets()).toEqual([deviceId])
    sock.ws.send(JSON.stringify({ type: 'viewing', conversationId: chat.id, deviceId }))
    await sleep(100)
    expect(await targets()).toEqual([])
    sock.close()
    await sleep(150)
    expect(await targets()).toEqual([deviceId])
  })

  it('only the user\'s own device can be marked', async () => {
    const s = await startTestServer()
    servers.push(s)
    const { deviceId, chat, targets } = await setUp(s)
    await createAgent(s, 'mallory', { queues: ['support'] })
    const mallory = await signIn(s.url, 'mallory', 'secret-pass')
    const sock = await TestSocket.open(s.url, {}, mallory.cookie)
    await sock.until((f) => f.type === 'ready')
    sock.ws.send(JSON.stringify({ type: 'viewing', conversationId: chat.id, deviceId }))
    await sleep(150)
    expect(await targets()).toEqual([deviceId])
    sock.close()
  })

  it.skipIf(!onPg)('on PostgreSQL, a process starting does not clear the live marks of another process', async () => {
    const a = await startTestServer()
    servers.push(a)
    const { admin, deviceId, chat, targets } = await setUp(a)
    const sock = await viewingSocket(a.url, admin.cookie, chat.id, deviceId)
    const b = await startTestServer({ shareDatabaseOf: a })
    servers.push(b)
    expect(await targets()).toEqual([])
    sock.close()
  })
})
