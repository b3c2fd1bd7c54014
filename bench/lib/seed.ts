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
