import type { FastifyInstance } from 'fastify'
import type { RouteTypes } from '../typeProvider.js'
import type { AppContext } from '../../services/context.js'
import { authHooks, userOf } from '../../plugins/auth.js'
import { sharedCannedResponses, usableCannedResponses } from '../../db/repositories/cannedResponses.js'
import { changeCanned, createCanned, removeCanned } from '../../services/cannedResponses.js'
import { idParams, userText } from '../schemas.js'

// Canned responses (issue 14, point 1): what an agent may use, their personal ones, and the
// admins' shared ones. A response the caller may not change (or see) answers 404.
const title = { ...userText(100), minLength: 1, pattern: '\\S' } as const
const text = { ...userText(4000), minLength: 1, pattern: '\\S' } as const
/** What follows "/" in the composer: no spaces and no "/". */
const shortcut = { type: 'string', minLength: 1, maxLength: 32, pattern: '^[^\\s/]+$' } as const
const queueIds = {
  anyOf: [{ type: 'null' }, { type: 'array', minItems: 1, maxItems: 200, uniqueItems: true, items: { type: 'string', format: 'uuid' } }],
} as const

export const cannedResponseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, scope: { type: 'string' }, title: { type: 'string' }, shortcut: { type: ['string', 'null'] }, text: { type: 'string' },
    queueIds: { type: ['array', 'null'], items: { type: 'string' } }, ownerId: { type: ['string', 'null'] }, updatedAt: { type: 'number' },
  },
} as const
const one = { type: 'object', properties: { cannedResponse: cannedResponseSchema } } as const
const list = { 200: { type: 'object', properties: { cannedResponses: { type: 'array', items: cannedResponseSchema } } } } as const

export default async function cannedResponseRoutes(fastify: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireUser, requireAdmin } = authHooks(ctx)

  // An agent's own: what they may use, and their personal ones.
  app.get('/api/canned-responses', { preHandler: requireUser, schema: { response: list } },
    async (req) => ({ cannedResponses: await usableCannedResponses(ctx.db, userOf(req).id) }))

  app.post('/api/canned-responses', {
    preHandler: requireUser,
    schema: {
      body: { type: 'object', required: ['title', 'text'], additionalProperties: false, properties: { title, shortcut, text } },
      response: { 201: one },
    },
  }, async (req, reply) => reply.status(201).send({ cannedResponse: await createCanned(ctx, userOf(req).id, req.body) }))

  app.patch('/api/canned-responses/:id', {
    preHandler: requireUser,
    schema: {
      params: idParams,
      body: { type: 'object', minProperties: 1, additionalProperties: false, properties: { title, shortcut: { anyOf: [{ type: 'null' }, shortcut] }, text } },
      response: { 200: one },
    },
  }, async (req) => ({ cannedResponse: await changeCanned(ctx, userOf(req).id, req.params.id, req.body) }))

  app.delete('/api/canned-responses/:id', { preHandler: requireUser, schema: { params: idParams } }, async (req, reply) => {
    await removeCanned(ctx, userOf(req).id, req.params.id)
    return reply.status(204).send()
  })

  // The admins' shared ones.
  app.get('/api/admin/canned-responses', { preHandler: requireAdmin, schema: { response: list } },
    async () => ({ cannedResponses: await sharedCannedResponses(ctx.db) }))

  app.post('/api/admin/canned-responses', {
    preHandler: requireAdmin,
    schema: {
      body: { type: 'object', required: ['title', 'text', 'queueIds'], additionalProperties: false, properties: { title, shortcut, text, queueIds } },
      response: { 201: one },
    },
  }, async (req, reply) => reply.status(201).send({ cannedResponse: await createCanned(ctx, null, req.body) }))

  app.patch('/api/admin/canned-responses/:id', {
    preHandler: requireAdmin,
    schema: {
      params: idParams,
      body: {
        type: 'object', minProperties: 1, additionalProperties: false,
        properties: { title, shortcut: { anyOf: [{ type: 'null' }, shortcut] }, text, queueIds },
      },
      response: { 200: one },
    },
  }, async (req) => ({ cannedResponse: await changeCanned(ctx, null, req.params.id, req.body) }))

  app.delete('/api/admin/canned-responses/:id', { preHandler: requireAdmin, schema: { params: idParams } }, async (req, reply) => {
    await removeCanned(ctx, null, req.params.id)
    return reply.status(204).send()
  })
}
