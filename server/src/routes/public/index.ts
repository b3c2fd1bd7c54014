import type { RouteTypes } from '../typeProvider.js'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { notFound } from '../../services/errors.js'
import { authHooks } from '../../plugins/auth.js'
import { getConversation, listMessages, toPublicConversation } from '../../db/repositories/conversations.js'
import { sendBatch, sendMessage, startConversation, updateReceipts } from '../../services/conversations.js'
import { withSignedUrls } from '../../services/signedUrls.js'
import { publicQueue, queueStatuses, rateConversation, transcriptText } from '../../services/customerSide.js'
import { waitingQueueOf } from '../../db/repositories/waiting.js'
import { replayAckSchema, replayAnswer } from '../../services/idempotency.js'
import { batchBody, batchReply, checkBatchBody, messageSchema, publicConversationSchema, sendBody, checkSendBody, userText } from '../schemas.js'
import { TEXT_LIMITS } from '../../text.js'

const addressParams = {
  type: 'object',
  required: ['address'],
  properties: { address: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } },
} as const

/** What a customer can do: start a chat at a queue address, then only touch that one conversation. */
export default async function publicRoutes(fastify: FastifyInstance, { ctx, startLimit, publicUrl }: { ctx: AppContext; startLimit: number; publicUrl: string }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireCustomer } = authHooks(ctx)

  app.get('/api/public/queues/:address', {
    schema: {
      params: addressParams,
      response: {
        200: {
          type: 'object',
          properties: {
            queue: {
              type: 'object',
              properties: {
                name: { type: 'string' }, address: { type: 'string' }, open: { type: 'boolean' },
                opensAt: { type: ['number', 'null'] }, agentsAvailable: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
  }, async (req) => ({ queue: await publicQueue(ctx, req.params.address) }))

  app.post('/api/public/queues/:address/conversations', {
    config: { rateLimit: { max: startLimit, timeWindow: '1 minute' } },
    schema: {
      params: addressParams,
      body: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { ...userText(TEXT_LIMITS.name), minLength: 1, pattern: '\\S' },
          email: { anyOf: [{ type: 'string', maxLength: 0 }, { type: 'string', format: 'email', maxLength: 200 }] },
          phone: { type: 'string', maxLength: 40, pattern: '^[0-9+()\\-. ]*$' },
          // The chat page's random device key (crypto.getRandomValues, 32 bytes base64url).
          deviceKey: { type: 'string', pattern: '^[A-Za-z0-9_-]{32,128}$' },
          // Identity signed by the company's website (the chat URL's user_id and user_hash).
          userId: { type: 'string', minLength: 1, maxLength: 200 },
          userHash: { type: 'string', maxLength: 128 },
        },
      },
      response: { 201: { type: 'object', properties: { token: { type: 'string' }, conversation: publicConversationSchema } } },
    },
  }, async (req, reply) => {
    const { token, conversation } = await startConversation(ctx, {
      queueAddress: req.params.address,
      name: req.body.name.trim(),
      email: req.body.email?.trim(),
      phone: req.body.phone?.trim(),
      deviceKey: req.body.deviceKey,
      userId: req.body.userId,
      userHash: req.body.userHash,
    })
    return reply.status(201).send({ token, conversation: toPublicConversation(conversation) })
  })

  app.register(async (scope) => {
    const scoped = scope.withTypeProvider<RouteTypes>()
    scoped.addHook('preHandler', requireCustomer)

    scoped.get('/api/public/conversation', {
      schema: {
        response: { 200: { type: 'object', properties: { conversation: publicConversationSchema, messages: { type: 'array', items: messageSchema } } } },
      },
    }, async (req) => {
      const id = req.customerConversationId!
      const conversation = await getConversation(ctx.db, id, null)
      if (!conversation) throw notFound('Conversation not found')
      const messages = await listMessages(ctx.db, id, { limit: 200 })
      return { conversation: toPublicConversation(conversation), messages: messages.map((m) => withSignedUrls(ctx.signer, m)) }
    })

    scoped.post('/api/public/conversation/messages', {
      // Per conversation token, not per address: a whole office can sit behind one address.
      config: { rateLimit: { max: 120, timeWindow: '1 minute', keyGenerator: (req) => req.headers.authorization ?? req.ip } },
      schema: { body: sendBody, response: { '2xx': { type: 'object', properties: { message: messageSchema, ack: replayAckSchema } } } },
    }, async (req, reply) => {
      checkSendBody(req.body)
      const conversationId = req.customerConversationId!
      const { message, created } = await sendMessage(ctx, {
        conversationId, clientId: req.body.clientId, text: req.body.text.trim(), attachmentIds: req.body.attachmentIds, author: { kind: 'customer' },
      })
      if (created) return reply.status(201).send({ message: withSignedUrls(ctx.signer, message) })
      // A repeat: the same rule as the agents' (a token sees only its own conversation).
      const ack = { outcome: 'sent', conversationId, clientId: req.body.clientId, id: message.id } as const
      return reply.status(200).send(await replayAnswer(ctx.db, { kind: 'customer', conversationId }, ack, () => ({ message: withSignedUrls(ctx.signer, message) })))
    })

    // The outbox's batch (issue 12): each item as the single send above. At most 5 batches a minute
    // per chat token (250 messages; the single send allows 120): enough to drain what a customer
    // wrote offline, not a way round the single send's limit by much.
    scoped.post('/api/public/conversation/messages/batch', {
      config: { rateLimit: { max: 5, timeWindow: '1 minute', keyGenerator: (req) => req.headers.authorization ?? req.ip } },
      schema: { body: batchBody, response: batchReply },
    }, async (req) => {
      checkBatchBody(req.body)
      const result = await sendBatch(ctx, { conversationId: req.customerConversationId!, messages: req.body.messages, author: { kind: 'customer' } })
      return { ...result, stored: result.stored.map((m) => withSignedUrls(ctx.signer, m)) }
    })

    // The place in line and estimated wait while queued (the socket sends the same on every change).
    scoped.get('/api/public/conversation/queue', {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { status: { anyOf: [{ type: 'null' }, { type: 'object', properties: { position: { type: 'integer' }, etaSeconds: { type: ['integer', 'null'] } } }] } },
          },
        },
      },
    }, async (req) => {
      const id = req.customerConversationId!
      const row = await waitingQueueOf(ctx.db, id)
      if (!row) throw notFound('Conversation not found')
      return { status: (await queueStatuses(ctx, row.queue_id)).get(id) ?? null }
    })

    // After the chat ended: the transcript as a text file (times in the customer's zone, `tz`).
    scoped.get('/api/public/conversation/transcript', {
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { tz: { type: 'string', maxLength: 64 } } } },
    }, async (req, reply) => {
      const { text, fileName } = await transcriptText(ctx, ctx.signer, req.customerConversationId!, publicUrl, req.query.tz)
      return reply
        .header('Content-Type', 'text/plain; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${fileName}"`)
        .header('Cache-Control', 'no-store')
        .send(text)
    })

    // After the chat ended: the customer's rating (1–5, optional comment); again replaces it.
    scoped.post('/api/public/conversation/rating', {
      schema: {
        body: {
          type: 'object', required: ['score'], additionalProperties: false,
          properties: { score: { type: 'integer', minimum: 1, maximum: 5 }, comment: userText(2000) },
        },
      },
    }, async (req, reply) => {
      await rateConversation(ctx, req.customerConversationId!, req.body.score, req.body.comment)
      return reply.status(204).send()
    })

    scoped.post('/api/public/conversation/receipts', {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { deliveredSeq: { type: 'integer', minimum: 0 }, readSeq: { type: 'integer', minimum: 0 } },
        },
      },
    }, async (req, reply) => {
      await updateReceipts(ctx, req.customerConversationId!, req.body)
      return reply.status(204).send()
    })
  })
}
