import { randomUUID } from 'node:crypto'
import pg from 'pg'

/** A fresh schema on the PostgreSQL server of TEST_DATABASE_URL, and a URL whose search_path is it. */
export async function freshSchema(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 16)}`
  const run = async (q: string) => {
    const c = new pg.Client({ connectionString: baseUrl })
    await c.connect()
    try { await c.query(q) } finally { await c.end() }
  }
  await run(`create schema ${schema}`)
  const u = new URL(baseUrl)
  u.searchParams.set('options', `-c search_path=${schema}`)
  return { url: u.toString(), drop: () => run(`drop schema ${schema} cascade`) }
}

/** The PostgreSQL server's version string, for the machine notes. */
export async function serverVersion(baseUrl: string): Promise<string> {
  const c = new pg.Client({ connectionString: baseUrl })
  await c.connect()
  try {
    const { rows } = await c.query<{ v: string }>("select current_setting('server_version') as v")
    return rows[0]?.v ?? '?'
  } finally {
    await c.end()
  }
}
