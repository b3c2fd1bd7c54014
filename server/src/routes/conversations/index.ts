import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../services/context.js'
import { notFound } from '../../services/errors.js'
import { authHooks } from '../../plugins/auth.js'
import { agentCanSee, agentWroteMessage, getConversation, listConversations, listMessages, type ListView } from '../../db/repositories/conversations.js'
import {
  acceptOffer, addNote, endConversation, pickConversation, readUpTo, rejectOffer, revokeCustomerToken, sendMessage, transferConversation,
  transferredWith,
  type TransferInput,
} from '../../services/conversations.js'
import { agentWroteNote, customerDetails, customerHistory, listNotes } from '../../db/repositories/customers.js'
import { replayAckSchema, replayAnswer, type Viewer } from '../../services/idempotency.js'
import { conversationSchema, idParams, messageSchema, noteSchema, sendBody, checkSendBody, type SendBody } from '../schemas.js'

// A repeated request answers the resource, or only { ack } when the caller may no longer see it.
const noteReply = { type: 'object', properties: { note: noteSchema, ack: replayAckSchema } } as const

type IdReq = FastifyRequest<{ Params: { id: string } }>

const conversationReply = { 200: { type: 'object', properties: { conversation: conversationSchema, ack: replayAckSchema } } } as const
const agent = (req: FastifyRequest): Viewer => ({ kind: 'agent', userId: req.user!.id })

export default async function conversationRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const { requireUser } = authHooks(ctx)
  app.addHook('preHandler', requireUser)

  /** Answers 404 for a conversation the agent may not see, as for one that doesn't exist. */
  const visible = async (req: IdReq) => {
    if (!(await agentCanSee(ctx.db, req.user!.id, req.params.id))) throw notFound('Conversation not found')
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
  const myMessage = visibleOrMyRepeat((req) => agentWroteMessage(ctx.db, req.params.id, req.body.clientId!, req.user!.id))
  const myNote = visibleOrMyRepeat((req) => agentWroteNote(ctx.db, req.params.id, req.body.clientId!, req.user!.id))
  const myTransfer = visibleOrMyRepeat((req) => transferredWith(ctx, req.params.id, req.body.clientId!, req.user!.id))
  const current = (req: IdReq) => async () => ({ conversation: await getConversation(ctx.db, req.params.id, req.user!.id) })

  app.get<{ Querystring: { view: ListView } }>('/api/conversations', {
    schema: {
      querystring: {
        type: 'object',
        required: ['view'],
        properties: { view: { type: 'string', enum: ['conversations', 'picklist', 'history'] } },
      },
      response: { 200: { type: 'object', properties: { conversations: { type: 'array', items: conversationSchema } } } },
    },
  }, async (req) => ({ conversations: await listConversations(ctx.db, req.user!.id, req.query.view) }))

  app.get<{ Params: { id: string } }>('/api/conversations/:id', {
    schema: { params: idParams, response: conversationReply },
    preHandler: visible,
  }, async (req) => ({ conversation: await getConversation(ctx.db, req.params.id, req.user!.id) }))

  app.get<{ Params: { id: string }; Querystring: { beforeSeq?: number; limit: number } }>('/api/conversations/:id/messages', {
    schema: {
      params: idParams,
      querystring: {
        type: 'object',
        properties: { beforeSeq: { type: 'integer', minimum: 1 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      },
      response: { 200: { type: 'object', properties: { messages: { type: 'array', items: messageSchema } } } },
    },
    preHandler: visible,
  }, async (req) => ({ messages: await listMessages(ctx.db, req.params.id, req.query) }))

  app.post<{ Params: { id: string }; Body: SendBody }>('/api/conversations/:id/messages', {
    schema: { params: idParams, body: sendBody, response: { '2xx': { type: 'object', properties: { message: messageSchema, ack: replayAckSchema } } } },
    preHandler: myMessage,
  }, async (req, reply) => {
    checkSendBody(req.body)
    const { message, created } = await sendMessage(ctx, {
      conversationId: req.params.id, clientId: req.body.clientId, text: req.body.text.trim(), attachmentIds: req.body.attachmentIds, author: { kind: 'agent', userId: req.user!.id },
    })
    if (created) return reply.status(201).send({ message })
    const ack = { outcome: 'sent', conversationId: req.params.id, clientId: req.body.clientId, id: message.id } as const
    return reply.status(200).send(await replayAnswer(ctx.db, agent(req), ack, () => ({ message })))
  })

  app.post<{ Params: { id: string } }>('/api/conversations/:id/pick', {
    schema: { params: idParams, response: conversationReply },
    preHandler: visible,
  }, async (req) => {
    const { conversation, replayed } = await pickConversation(ctx, req.params.id, req.user!.id)
    if (!replayed) return { conversation }
    return replayAnswer(ctx.db, agent(req), { outcome: 'picked', conversationId: req.params.id, clientId: null, id: null }, current(req))
  })

  app.post<{ Params: { id: string } }>('/api/conversations/:id/end', {
    schema: { params: idParams, response: conversationReply },
    preHandler: visible,
  }, async (req) => {
    const { conversation, replayed } = await endConversation(ctx, req.params.id, req.user!.id)
    if (!replayed) return { conversation }
    return replayAnswer(ctx.db, agent(req), { outcome: 'ended', conversationId: req.params.id, clientId: null, id: null }, current(req))
  })

  app.post<{ Params: { id: string }; Body: { seq: number } }>('/api/conversations/:id/read', {
    schema: {
      params: idParams,
      body: { type: 'object', required: ['seq'], additionalProperties: false, properties: { seq: { type: 'integer', minimum: 0 } } },
    },
    preHandler: visible,
  }, async (req, reply) => {
    await readUpTo(ctx, req.params.id, req.user!.id, req.body.seq)
    return reply.status(204).send()
  })

  app.post<{ Params: { id: string } }>('/api/conversations/:id/accept', {
    schema: { params: idParams, response: conversationReply },
    preHandler: visible,
  }, async (req) => ({ conversation: await acceptOffer(ctx, req.params.id, req.user!.id) }))

  app.post<{ Params: { id: string } }>('/api/conversations/:id/reject', {
    schema: { params: idParams },
    preHandler: visible,
  }, async (req, reply) => {
    await rejectOffer(ctx, req.params.id, req.user!.id)
    return reply.status(204).send()
  })

  app.post<{ Params: { id: string }; Body: TransferInput }>('/api/conversations/:id/transfer', {
    schema: {
      params: idParams,
      body: {
        type: 'object',
        required: ['queueId'],
        additionalProperties: false,
        properties: {
          queueId: { type: 'string', format: 'uuid' },
          agentId: { type: 'string', format: 'uuid' },
          note: { type: 'string', maxLength: 2000 },
          clientId: { type: 'string', format: 'uuid' },
        },
      },
      response: conversationReply,
    },
    // A retried transfer to a queue I'm not in: the chat is out of my sight, but this move was mine.
    preHandler: myTransfer,
  }, async (req) => {
    const result = await transferConversation(ctx, req.params.id, req.user!.id, req.body)
    if (!result.replayed) return { conversation: result.conversation }
    const ack = { outcome: 'transferred', conversationId: req.params.id, clientId: req.body.clientId ?? null, id: null } as const
    return replayAnswer(ctx.db, agent(req), ack, current(req))
  })

  app.get<{ Params: { id: string } }>('/api/conversations/:id/notes', {
    schema: { params: idParams, response: { 200: { type: 'object', properties: { notes: { type: 'array', items: noteSchema } } } } },
    preHandler: visible,
  }, async (req) => ({ notes: await listNotes(ctx.db, req.params.id) }))

  app.post<{ Params: { id: string }; Body: { text: string; clientId?: string } }>('/api/conversations/:id/notes', {
    schema: {
      params: idParams,
      body: {
        type: 'object', required: ['text'], additionalProperties: false,
        properties: {
          text: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' },
          // The outbox's id: a resent note answers 200 with the stored one.
          clientId: { type: 'string', format: 'uuid' },
        },
      },
      response: { 200: noteReply, 201: noteReply },
    },
    preHandler: myNote,
  }, async (req, reply) => {
    const { note, created } = await addNote(ctx, req.params.id, req.user!.id, req.body.text.trim(), req.body.clientId)
    if (created) return reply.status(201).send({ note })
    const ack = { outcome: 'noted', conversationId: req.params.id, clientId: req.body.clientId ?? null, id: note.id } as const
    return reply.status(200).send(await replayAnswer(ctx.db, agent(req), ack, () => ({ note })))
  })

  app.get<{ Params: { id: string } }>('/api/conversations/:id/customer', {
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

  app.get<{ Params: { id: string }; Querystring: { order: 'asc' | 'desc'; before?: number; after?: number; limit: number } }>('/api/conversations/:id/history', {
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
  }, async (req) => ({ conversations: await customerHistory(ctx.db, req.params.id, req.user!.id, req.query) }))

  // The customer's chat link stops working at once (a link shared by mistake, an erasure request).
  // Their open socket is not closed here; it gets nothing it could not already read.
  app.post<{ Params: { id: string } }>('/api/conversations/:id/customer-token/revoke', {
    schema: { params: idParams },
    preHandler: visible,
  }, async (req, reply) => {
    await revokeCustomerToken(ctx, req.params.id)
    return reply.status(204).send()
  })
}
