// Route schemas compiled on first use must check exactly what Fastify's own eager compilers check:
// the same answers for the same requests, coercion and response filtering included.
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lazyCompilers, type LazyCompilers } from './lazySchemas.js'
import { maxGraphemesKeyword } from '../routes/schemas.js'
import { startTestServer, type TestServer } from '../test/helpers.js'

const ajv = { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false }, plugins: [maxGraphemesKeyword] } as const

/** The same routes and Ajv options as app.ts, with Fastify's default compilers or the lazy ones. */
async function appWith(lazy?: LazyCompilers): Promise<FastifyInstance> {
  const app = Fastify({
    ajv: ajv as never,
    ...(lazy ? { schemaController: { compilersFactory: { buildValidator: lazy.buildValidator as never, buildSerializer: lazy.buildSerializer as never } } } : {}),
  })
  app.post('/items/:id', {
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
      querystring: { type: 'object', additionalProperties: false, properties: { n: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { type: 'string' } } } },
      body: {
        type: 'object', required: ['text'], additionalProperties: false,
        properties: { text: { type: 'string', maxLength: 40, maxGraphemes: 3 }, at: { type: 'number' } },
      },
      response: { 200: { type: 'object', properties: { text: { type: 'string' }, n: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } } },
    },
  }, async (req) => {
    const q = req.query as { n?: number; tags?: string[] }
    // `secret` is not in the response schema: the serializer must drop it.
    return { text: (req.body as { text: string }).text, n: q.n, tags: q.tags, secret: 'x' }
  })
  // A root value coerced ('a' → ['a']): Ajv can only replace it when Fastify passes the parent.
  app.post('/list', { schema: { body: { type: 'array', items: { type: 'string' } } } }, async (req) => ({ list: req.body }))
  await app.ready()
  return app
}

const ID = '1b4e28ba-2d11-4d4b-8d1b-2f3a4b5c6d7e'
const requests: { url: string; body: unknown }[] = [
  { url: `/items/${ID}?n=2&tags=a`, body: { text: 'hé' } },
  { url: `/items/${ID}?n=2&tags=a&tags=b`, body: { text: '👍🏽ab' } },
  { url: `/items/${ID}`, body: { text: 'abcd' } }, // 4 graphemes: over maxGraphemes
  { url: `/items/${ID}`, body: { text: 'a', extra: 1 } },
  { url: `/items/${ID}`, body: {} },
  { url: `/items/${ID}`, body: { text: 5 } },
  { url: `/items/${ID}`, body: { text: 'a', at: '12' } }, // coerced to 12
  { url: `/items/${ID}?n=0`, body: { text: 'a' } },
  { url: `/items/${ID}?n=x`, body: { text: 'a' } },
  { url: `/items/${ID}?other=1`, body: { text: 'a' } },
  { url: '/items/not-a-uuid', body: { text: 'a' } },
  { url: `/items/${ID}`, body: [] },
  { url: `/items/${ID}`, body: null },
  { url: '/list', body: 'a' },
  { url: '/list', body: ['a', 'b'] },
  { url: '/list', body: [1] },
]

describe('lazy schema compilers', () => {
  let eager: FastifyInstance
  let lazy: FastifyInstance
  let compilers: LazyCompilers
  beforeAll(async () => {
    eager = await appWith()
    compilers = lazyCompilers()
    lazy = await appWith(compilers)
  })
  afterAll(async () => { await eager.close(); await lazy.close() })

  it('answers every request exactly as Fastify’s own compilers do, compiling only on first use', async () => {
    for (const r of requests) {
      const inject = { method: 'POST' as const, url: r.url, payload: JSON.stringify(r.body), headers: { 'content-type': 'application/json' } }
      const [a, b] = await Promise.all([eager.inject(inject), lazy.inject(inject)])
      expect({ status: b.statusCode, body: b.json() }, JSON.stringify(r)).toEqual({ status: a.statusCode, body: a.json() })
    }
    // Those requests used all four: nothing is left to compile.
    expect(compilers.compileAll()).toBe(0)
  })

  it('compiles nothing until asked, and compileAll compiles what is pending', async () => {
    const c = lazyCompilers()
    const app = await appWith(c)
    try {
      expect(c.compileAll()).toBe(5)
      expect(c.compileAll()).toBe(0)
    } finally {
      await app.close()
    }
  })

  it('a schema Ajv refuses fails compileAll (and so the tests), not only a first request', async () => {
    const c = lazyCompilers()
    const app = Fastify({ schemaController: { compilersFactory: { buildValidator: c.buildValidator as never, buildSerializer: c.buildSerializer as never } } })
    app.post('/x', { schema: { body: { type: 'object', properties: { a: { type: 'nonsense' } } } } }, async () => ({}))
    await app.ready()
    try {
      expect(() => c.compileAll()).toThrow()
    } finally {
      await app.close()
    }
  })

  it('refuses header schemas at start (Fastify would not lowercase their names for a custom compiler)', async () => {
    const c = lazyCompilers()
    const app = Fastify({ schemaController: { compilersFactory: { buildValidator: c.buildValidator as never, buildSerializer: c.buildSerializer as never } } })
    app.get('/h', { schema: { headers: { type: 'object', required: ['X-Key'], properties: { 'X-Key': { type: 'string' } } } } }, async () => ({}))
    await expect(app.ready()).rejects.toThrow(/header schemas/)
  })
})

describe('the whole app', () => {
  let s: TestServer
  beforeAll(async () => { s = await startTestServer() })
  afterAll(async () => { await s.close() })

  it('every route schema of the app compiles', () => {
    // Nothing was requested yet: every validator and serializer is still pending.
    expect(s.compileSchemas()).toBeGreaterThan(100)
    expect(s.compileSchemas()).toBe(0)
  })
})
