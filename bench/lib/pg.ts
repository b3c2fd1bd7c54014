import { freshSchema as createSchema } from '../../server/src/test/pgSchema.js'
import pg from 'pg'

/** A fresh schema (prefix bench) on the PostgreSQL server of TEST_DATABASE_URL, and a URL whose search_path is it. */
export const freshSchema = (baseUrl: string) => createSchema(baseUrl, 'bench')

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
