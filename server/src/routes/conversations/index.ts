import type { FromSchema } from 'json-schema-to-ts'
import type { RouteTypes } from '../typeProvider.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { notFound } from '../../services/errors.js'
import { authHooks, userOf } from '../../plugins/auth.js'
import { agentCanSee, agentWroteMessage, getConversation, historyPage, listConversations, listMessages, type HistoryAfter } from '../../db/repositories/conversations.js'
import { decodeCursor, encodeCursor } from '../cursor.js'
import {
  acceptOffer, addNote, endConversation, markAgentDelivered, pickConversation, readUpTo, rejectOffer, revokeCustomerToken, sendBatch, sendMessage, transferConversation,
  transferredWith,
} from '../../services/conversations.js'
import { agentWroteNote, customerDetails, customerHistory, listNotes } from '../../db/repositories/customers.js'
import { replayAckSchema, replayAnswer, type Viewer } from '../../services/idempotency.js'
import { batchBody, batchReply, checkBatchBody, conversationSchema, idParams, messageSchema, noteSchema, sendBody, checkSendBody, userText } from '../schemas.js'
import { TEXT_LIMITS } from '../../text.js'

// A repeated request answers the resource, or only { ack } when the caller may no longer see it.
const noteReply = { type: 'object', properties: { note: noteSchema, ack: replayAckSchema } } as const

const isHistoryAfter = (v: unknown): v is HistoryAfter =>
  typeof v === 'object' && v !== null && Number.isSafeInteger((v as HistoryAfter).endedAt) && typeof (v as HistoryAfter).id === 'string'

/** A request to /api/conversations/:id (the preHandlers below serve several routes). */
type IdReq = FastifyRequest<{ Params: FromSchema<typeof idParams> }>

const conversationReply = { 200: { type: 'object', properties: { conversation: conversationSchema, ack: replayAckSchema } } } as const
const agent = (req: FastifyRequest): Viewer => ({ kind: 'agent', userId: userOf(req).id })

export default async function conversationRoutes(fastify: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const app = fastify.withTypeProvider<RouteTypes>()
  const { requireUser } = authHooks(ctx)
  app.addHook('preHandler', requireUser)

  /** Answers 404 for a conversation the agent may not see, as for one that doesn't exist. */
  const visible = async (req: IdReq) => {
    if (!(await agentCanSee(ctx.db, userOf(req).id, req.params.id))) throw notFound('Conversation not found')
  }
  /**
   * The same, except for my own repeat of a request I made here (its clientId is stored with me
   * as author): that is answered, with an acknowledgement if I can't see the chat any more.
   */
  const visibleOrMyRepeat = (mine: (req: IdReq & { body: { clientId?: string } }) => Promise<boolean>) =>
    async (req: IdReq) => {
      const r = req as IdReq & { body: { clientId?: string } }
      if (r.body?.clientId && (await mine(r))) return
      await visible(req)
    }
  const myMessage = visibleOrMyRepeat((req) => agentWroteMessage(ctx.db, req.params.id, req.body.clientId!, userOf(req).id))
  const myNote = visibleOrMyRepeat((req) => agentWroteNote(ctx.db, req.params.id, req.body.clientId!, userOf(req).id))
  const myTransfer = visibleOrMyRepeat((req) => transferredWith(ctx, req.params.id, req.body.clientId!, userOf(req).id))
  const current = (req: IdReq) => async () => ({ conversation: await getConversation(ctx.db, req.params.id, userOf(req).id) })

  app.get('/api/conversations', {
    schema: {
      querystring: {
        type: 'object',
        required: ['view'],
        properties: {
          view: { type: 'string', enum: ['conversations', 'picklist', 'history'] },
          // History pages (issue 14, point 3); other views ignore them.
          limit: { type: 'integer', minimum: 1, maximum: 200 },
          cursor: { type: 'string', maxLength: 200 },
        },
      },
      response: {
        200: { type: 'object', properties: { conversations: { type: 'array', items: conversationSchema }, nextCursor: { type: ['string', 'null'] } } },
      },
    },
  }, async (req) => {
    const { view, limit, cursor } = req.query
    if (view !== 'history') return { conversations: await listConversations(ctx.db, userOf(req).id, view), nextCursor: null }
    // Without paging parameters: the first 2,000, as before (older apps).
    const page = await historyPage(ctx.db, userOf(req).id, limit ?? (cursor ? 50 : 2000), cursor ? decodeCursor(cursor, isHistoryAfter) : undefined)
    return { conversations: page.conversations, nextCursor: page.next ? encodeCursor(page.next) : null }
  })

  app.get('/api/conversations/:id', {
    schema: { params: idParams, response: conversationReply },
    preHandler: visible,
  }, async (req) => ({ conversation: await getConversation(ctx.db, req.params.id, userOf(req).id) }))

  app.get('/api/conversations/:id/messages', {
    schema: {
      params: idParams,
      querystring: {
        type: 'object',
        properties: { beforeSeq: { type: 'integer', minimum: 1 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      },
      response: { 200: { type: 'object', properties: { messages: { type: 'array', items: messageSchema } } } },
    },
    preHandler: visible,
  }, async (req) => {
    const messages = await listMessages(ctx.db, req.params.id, req.query)
    // The agent's app has these now: the customer's messages among them show "Delivered".
    const seq = messages.reduce((max, m) => (m.authorKind === 'customer' && m.seq > max ? m.seq : max), 0)
    if (seq) await markAgentDelivered(ctx, new Map([[req.params.id, seq]]))
    return { messages }
  })

  app.post('/api/conversations/:id/messages', {
    schema: { params: idParams, body: sendBody, response: { '2xx': { type: 'object', properties: { message: messageSchema, ack: replayAckSchema } } } },
    preHandler: myMessage,
  }, async (req, reply) => {
    checkSendBody(req.body)
    const { message, created } = await sendMessage(ctx, {
      conversationId: req.params.id, clientId: req.body.clientId, text: req.body.text.trim(), attachmentIds: req.body.attachmentIds, author: { kind: 'agent', userId: userOf(req).id },
    })
    if (created) return reply.status(201).send({ message })
    const ack = { outcome: 'sent', conversationId: req.params.id, clientId: req.body.clientId, id: message.id } as const
    return reply.status(200).send(await replayAnswer(ctx.db, agent(req), ack, () => ({ message })))
  })

  // The outbox's batch (issue 12): each item as the single send above, in order, stopping at the
  // first refused. Only while the agent can see the conversation (404 otherwise, as a GET): a
  // repeat of a message sent before the chat left their sight goes through the single send, which
  // answers it with an acknowledgement.
  app.post('/api/conversations/:id/messages/batch', {
    schema: { params: idParams, body: batchBody, response: batchReply },
    preHandler: visible,
  }, async (req) => {
    checkBatchBody(req.body)
    return sendBatch(ctx, { conversationId: req.params.id, messages: req.body.messages, author: { kind: 'agent', userId: userOf(req).id } })
  })

  app.post('/api/conversations/:id/pick', {
    schema: { params: idParams, response: conversationReply },
    preHandler: visible,
  }, async (req) => {
    const { conversation, replayed } = await pickConversation(ctx, req.params.id, userOf(req).id)
    if (!replayed) return { conversation }
    return replayAnswer(ctx.db, agent(req), { outcome: 'picked', conversationId: req.params.id, clientId: null, id: null }, current(req))
  })

  app.post('/api/conversations/:id/end', {
    schema: { params: idParams, response: conversationReply },
    preHandler: visible,
  }, async (req) => {
    const { conversation, replayed } = await endConversation(ctx, req.params.id, userOf(req).id)
    if (!replayed) return { conversation }
    return replayAnswer(ctx.db, agent(req), { outcome: 'ended', conversationId: req.params.id, clientId: null, id: null }, current(req))
  })

  app.post('/api/conversations/:id/read', {
    schema: {
      params: idParams,
      body: { type: 'object', required: ['seq'], additionalProperties: false, properties: { seq: { type: 'integer', minimum: 0 } } },
    },
    preHandler: visible,
  }, async (req, reply) => {
    await readUpTo(ctx, req.params.id, userOf(req).id, req.body.seq)
    return reply.status(204).send()
  })

  app.post('/api/conversations/:id/accept', {
    schema: { params: idParams, response: conversationReply },
    preHandler: visible,
  }, async (req) => ({ conversation: await acceptOffer(ctx, req.params.id, userOf(req).id) }))

  app.post('/api/conversations/:id/reject', {
    schema: { params: idParams },
    preHandler: visible,
  }, async (req, reply) => {
    await rejectOffer(ctx, req.params.id, userOf(req).id)
    return reply.status(204).send()
  })

  app.post('/api/conversations/:id/transfer', {
    schema: {
      params: idParams,
      body: {
        type: 'object',
        required: ['queueId'],
        additionalProperties: false,
        properties: {
          queueId: { type: 'string', format: 'uuid' },
          agentId: { type: 'string', format: 'uuid' },
          note: userText(TEXT_LIMITS.transferNote),
          clientId: { type: 'string', format: 'uuid' },
        },
      },
      response: conversationReply,
    },
    // A retried transfer to a queue I'm not in: the chat is out of my sight, but this move was mine.
    preHandler: myTransfer,
  }, async (req) => {
    const result = await transferConversation(ctx, req.params.id, userOf(req).id, req.body)
    if (!result.replayed) return { conversation: result.conversation }
    const ack = { outcome: 'transferred', conversationId: req.params.id, clientId: req.body.clientId ?? null, id: null } as const
    return replayAnswer(ctx.db, agent(req), ack, current(req))
  })

  app.get('/api/conversations/:id/notes', {
    schema: { params: idParams, response: { 200: { type: 'object', properties: { notes: { type: 'array', items: noteSchema } } } } },
    preHandler: visible,
  }, async (req) => ({ notes: await listNotes(ctx.db, req.params.id) }))

  app.post('/api/conversations/:id/notes', {
    schema: {
      params: idParams,
      body: {
        type: 'object', required: ['text'], additionalProperties: false,
        properties: {
          text: { ...userText(TEXT_LIMITS.note), minLength: 1, pattern: '\\S' },
          // The outbox's id: a resent note answers 200 with the stored one.
          clientId: { type: 'string', format: 'uuid' },
        },
      },
      response: { 200: noteReply, 201: noteReply },
    },
    preHandler: myNote,
  }, async (req, reply) => {
    const { note, created } = await addNote(ctx, req.params.id, userOf(req).id, req.body.text.trim(), req.body.clientId)
    if (created) return reply.status(201).send({ note })
    const ack = { outcome: 'noted', conversationId: req.params.id, clientId: req.body.clientId ?? null, id: note.id } as const
    return reply.status(200).send(await replayAnswer(ctx.db, agent(req), ack, () => ({ note })))
  })

  app.get('/api/conversations/:id/customer', {
    schema: {
      params: idParams,
      response: {
        200: {
          type: 'object',
          properties: {
            customer: {
              type: 'object',
              properties: {
                id: { type: 'string' }, name: { type: 'string' }, email: { type: ['string', 'null'] }, phone: { type: ['string', 'null'] },
                verification: { type: 'string' }, externalId: { type: ['string', 'null'] },
                firstSeenAt: { type: 'number' }, conversationCount: { type: 'integer' },
              },
            },
          },
        },
      },
    },
    preHandler: visible,
  }, async (req) => ({ customer: await customerDetails(ctx.db, req.params.id) }))

  app.get('/api/conversations/:id/history', {
    schema: {
      params: idParams,
      querystring: {
        type: 'object',
        properties: {
          order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
          before: { type: 'integer', minimum: 0 },
          after: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
        },
      },
      response: { 200: { type: 'object', properties: { conversations: { type: 'array', items: conversationSchema } } } },
    },
    preHandler: visible,
  }, async (req) => ({ conversations: await customerHistory(ctx.db, req.params.id, userOf(req).id, req.query) }))

  // The customer's chat link stops working at once (a link shared by mistake, an erasure request).
  // Their open socket is not closed here; it gets nothing it could not already read.
  app.post('/api/conversations/:id/customer-token/revoke', {
    schema: { params: idParams },
    preHandler: visible,
  }, async (req, reply) => {
    await revokeCustomerToken(ctx, req.params.id)
    return reply.status(204).send()
  })
}
