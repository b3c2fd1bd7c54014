import { randomUUID } from 'node:crypto'
import pg from 'pg'

/**
 * A fresh schema in the PostgreSQL database at `baseUrl`, named `<prefix>_<random>`: the URL whose
 * search_path is it, and `drop` to remove it with everything in it. Used by the server tests (one
 * schema per test server) and the benchmarks; no test-runner imports, so both can load it.
 */
export async function freshSchema(baseUrl: string, prefix = 't'): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `${prefix}_${randomUUID().replace(/-/g, '')}`
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
