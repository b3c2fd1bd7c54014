// The first start (as main.ts runs it: bootstrap inside buildApp, beside the route registration)
// creates the admin and the Support queue once; the admin can sign in with the printed password.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { createTestSchema, signIn } from '../test/helpers.js'

describe('bootstrap during buildApp', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'))
  let drop: (() => Promise<void>) | undefined
  afterAll(async () => {
    await drop?.()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('creates the admin and the Support queue on an empty database, once', async () => {
    let databaseUrl: string | undefined
    if (process.env.TEST_DATABASE_URL) {
      const schema = await createTestSchema(process.env.TEST_DATABASE_URL)
      databaseUrl = schema.url
      drop = schema.drop
    }
    const config = { ...loadConfig({ DATA_DIR: dataDir, STATIC_DIR: '', LOG_LEVEL: 'silent' }), databaseUrl }

    const a = await buildApp(config, { logger: false, bootstrap: { adminPassword: undefined } })
    try {
      expect(a.first).toEqual({ created: true, generatedPassword: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) })
      await a.app.listen({ port: 0, host: '127.0.0.1' })
      const addr = a.app.server.address()
      const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
      const admin = await signIn(url, 'admin', a.first!.generatedPassword!)
      const queues = (await admin.req('GET', '/api/admin/queues')).body.queues as { address: string }[]
      expect(queues.map((q) => q.address)).toEqual(['support'])
    } finally {
      await a.app.close()
    }

    const b = await buildApp(config, { logger: false, bootstrap: { adminPassword: 'another-pass-1' } })
    try {
      expect(b.first).toEqual({ created: false })
    } finally {
      await b.app.close()
    }
  })
})
