// Agents, sessions and customer conversations for the benchmarks.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { openDatabase } from '../../server/src/db/index.js'
import { hashPassword } from '../../server/src/services/passwords.js'
import type { Parley } from './server.js'

/** What the server stores for a session cookie (plugins/auth.ts: sha256 hex of the token). */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * `queues` picklist queues (addresses bench-0, bench-1, …), one more queue bench-all, and `n`
 * agents, agent i a member of queue i % queues and of bench-all, each with a signed-in session;
 * returns their cookie values and the split queues' addresses. Written straight into the server's database (the same rows the admin API and sign-in
 * write) because 500 scrypt hashes and 500 sign-ins would take a minute of the run; one agent is
 * checked through the API afterwards.
 */
export async function seedAgents(server: Parley, n: number, queues: number): Promise<{ cookies: string[]; addresses: string[] }> {
  const database = await openDatabase({ databaseUrl: server.databaseUrl, dataDir: server.dataDir })
  const db = database.db
  try {
    const now = Date.now()
    const qs = Array.from({ length: queues }, (_, k) => ({ id: randomUUID(), name: `Bench ${k}`, address: `bench-${k}`, routing_mode: 'picklist' as const, created_at: now }))
    const all = { id: randomUUID(), name: 'Bench all', address: 'bench-all', routing_mode: 'picklist' as const, created_at: now }
    await db.insertInto('queues').values([...qs, all]).execute()
    const passwordHash = await hashPassword('bench-agent-pass')
    const tokens: string[] = []
    for (let start = 0; start < n; start += 100) {
      const batch = Array.from({ length: Math.min(100, n - start) }, (_, k) => ({ id: randomUUID(), i: start + k, token: randomBytes(32).toString('base64url') }))
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(batch.map((a) => ({
          id: a.id, username: `bench-agent-${a.i}`, display_name: `Bench Agent ${a.i}`, role: 'agent' as const, password_hash: passwordHash,
          active: 1, presence: 'available' as const, max_concurrent: 5, created_at: now, last_assigned_at: null,
        }))).execute()
        await trx.insertInto('queue_members').values(batch.flatMap((a) => [{ queue_id: qs[a.i % queues]!.id, user_id: a.id }, { queue_id: all.id, user_id: a.id }])).execute()
        await trx.insertInto('sessions').values(batch.map((a) => ({ id: hashToken(a.token), user_id: a.id, created_at: now, expires_at: now + 86_400_000 }))).execute()
      })
      tokens.push(...batch.map((a) => a.token))
    }
    return { cookies: tokens, addresses: qs.map((q) => q.address) }
  } finally {
    await database.close()
  }
}

/** Fails unless the cookie signs an agent in on this server. */
export async function checkAgent(url: string, cookie: string): Promise<void> {
  const res = await fetch(`${url}/api/auth/me`, { headers: { cookie: `parley_session=${cookie}` }, signal: AbortSignal.timeout(10_000) })
  const body = await res.text()
  if (res.status !== 200) throw new Error(`seeded agent is not signed in: ${res.status} ${body}`)
}

/** Starts `n` customer chats, chat i at addresses[i % addresses.length] (10 at a time); returns their tokens. */
export async function startChats(url: string, n: number, addresses: string[]): Promise<string[]> {
  const tokens: string[] = new Array<string>(n)
  let next = 0
  const worker = async () => {
    while (next < n) {
      const i = next++
      const res = await fetch(`${url}/api/public/queues/${addresses[i % addresses.length]}/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Bench Customer ${i}`, email: `bench.customer.${i}@example.com` }),
        signal: AbortSignal.timeout(10_000),
      })
      const body = (await res.json()) as { token?: string }
      if (res.status !== 201 || !body.token) throw new Error(`chat start failed: ${res.status} ${JSON.stringify(body)}`)
      tokens[i] = body.token
    }
  }
  await Promise.all(Array.from({ length: 10 }, worker))
  return tokens
}

/** Starts one customer chat at `address`; returns its token and conversation id. */
export async function startChat(url: string, address: string, name: string): Promise<{ token: string; id: string }> {
  const res = await fetch(`${url}/api/public/queues/${address}/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
    signal: AbortSignal.timeout(10_000),
  })
  const body = (await res.json()) as { token?: string; conversation?: { id: string } }
  if (res.status !== 201 || !body.token || !body.conversation) throw new Error(`chat start failed: ${res.status} ${JSON.stringify(body)}`)
  return { token: body.token, id: body.conversation.id }
}

/** The id of the agent a seeded session cookie belongs to. */
export async function agentIdOf(url: string, cookie: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/me`, { headers: { cookie: `parley_session=${cookie}` }, signal: AbortSignal.timeout(10_000) })
  const body = (await res.json()) as { user?: { id: string } }
  if (!body.user) throw new Error(`not signed in: ${res.status}`)
  return body.user.id
}

/**
 * Writes `n` messages into a conversation (seq 1..n, customer and agent in turns of a few, one a
 * second ending now, text `Message <i>`), and gives the conversation to `agentId` (picked), straight
 * into the server's database: the same rows the send endpoint writes, minus the events (nobody is
 * connected to hear them).
 */
export async function seedThread(server: Parley, conversationId: string, agentId: string, n: number): Promise<void> {
  const database = await openDatabase({ databaseUrl: server.databaseUrl, dataDir: server.dataDir })
  const db = database.db
  try {
    const end = Date.now()
    const start = end - n * 1000
    for (let from = 1; from <= n; from += 500) {
      const batch = Array.from({ length: Math.min(500, n - from + 1) }, (_, k) => {
        const seq = from + k
        const customer = Math.floor(seq / 3) % 2 === 0
        return {
          id: randomUUID(), conversation_id: conversationId, seq, client_id: randomUUID(),
          author_kind: customer ? ('customer' as const) : ('agent' as const), author_id: customer ? null : agentId,
          text: `Message ${seq}${seq % 7 === 0 ? ': a longer one, so that rows are not all the same height on a phone screen' : ''}`,
          created_at: start + seq * 1000,
        }
      })
      await db.transaction().execute((trx) => trx.insertInto('messages').values(batch).execute())
    }
    await db.updateTable('conversations')
      .set({ last_seq: n, last_message_at: start + n * 1000, state: 'picked', agent_id: agentId, picked_at: end })
      .where('id', '=', conversationId)
      .execute()
  } finally {
    await database.close()
  }
}

/** The messages of a conversation in seq order (client id, text), read from the database. */
export async function threadOf(server: Parley, conversationId: string): Promise<{ clientId: string; text: string; seq: number }[]> {
  const database = await openDatabase({ databaseUrl: server.databaseUrl, dataDir: server.dataDir })
  try {
    const rows = await database.db.selectFrom('messages').select(['client_id', 'text', 'seq']).where('conversation_id', '=', conversationId).orderBy('seq').execute()
    return rows.map((r) => ({ clientId: r.client_id, text: r.text, seq: Number(r.seq) }))
  } finally {
    await database.close()
  }
}
