import type { FromSchema } from 'json-schema-to-ts'
import { HttpError } from '../services/errors.js'

// JSON schemas shared by routes. Response schemas also make Fastify serialise only the
// listed fields, so nothing internal leaks by accident.
const nullable = (type: string) => ({ type: [type, 'null'] })

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
} as const

export const userSchema = {
  type: 'object',
  required: ['id', 'username', 'displayName', 'role'],
  properties: {
    id: { type: 'string' }, username: { type: 'string' }, displayName: { type: 'string' },
    role: { type: 'string' }, presence: { type: 'string' }, maxConcurrent: { type: 'integer' }, active: { type: 'boolean' },
    notifyMessages: { type: 'boolean' },
  },
} as const

export const conversationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, state: { type: 'string' }, channel: { type: 'string' },
    queue: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, address: { type: 'string' } } },
    customer: {
      type: 'object',
      properties: {
        id: { type: 'string' }, name: { type: 'string' }, email: nullable('string'), phone: nullable('string'), verification: { type: 'string' },
      },
    },
    agentId: nullable('string'), agentName: nullable('string'),
    arrivedAt: { type: 'number' }, endedAt: nullable('number'), lastMessageAt: nullable('number'),
    lastMessage: {
      type: ['object', 'null'],
      properties: { text: { type: 'string' }, authorKind: { type: 'string' }, createdAt: { type: 'number' } },
    },
    unread: { type: 'integer' }, customerDeliveredSeq: { type: 'integer' }, customerReadSeq: { type: 'integer' },
    offeredTo: nullable('string'), offerExpiresAt: nullable('number'),
  },
} as const

export const publicConversationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, state: { type: 'string' }, queueName: { type: 'string' }, customerName: { type: 'string' },
    agentName: nullable('string'), arrivedAt: { type: 'number' }, endedAt: nullable('number'),
    agentDeliveredSeq: { type: 'integer' }, agentReadSeq: { type: 'integer' }, rating: nullable('integer'),
  },
} as const

export const messageSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, conversationId: { type: 'string' }, seq: { type: 'integer' }, clientId: { type: 'string' },
    authorKind: { type: 'string' }, authorName: nullable('string'), text: { type: 'string' }, createdAt: { type: 'number' },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' }, name: { type: 'string' }, mime: { type: 'string' }, kind: { type: 'string' }, size: { type: 'number' },
          width: nullable('integer'), height: nullable('integer'), hasThumb: { type: 'boolean' }, hasPreview: { type: 'boolean' },
          urls: {
            type: 'object',
            properties: { original: { type: 'string' }, thumb: nullable('string'), preview: nullable('string'), expiresAt: { type: 'number' } },
          },
        },
      },
    },
  },
} as const

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const

/**
 * A message: a client-generated UUID, and text (up to 4000 characters, not only whitespace)
 * or attachments, or both.
 */
export const sendBody = {
  type: 'object',
  required: ['clientId', 'text'],
  additionalProperties: false,
  properties: {
    clientId: { type: 'string', format: 'uuid' },
    text: { type: 'string', maxLength: 4000 },
    attachmentIds: { type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 10, uniqueItems: true },
  },
} as const

/** A message as sent (agents and customers), typed from its schema. */
export type SendBody = FromSchema<typeof sendBody>

/** The rule the schema can't say: some text or at least one attachment. */
export function checkSendBody(b: SendBody) {
  if (!b.text.trim() && !b.attachmentIds?.length) {
    throw new HttpError(400, 'bad_request', 'A message needs text or an attachment')
  }
}

export const noteSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, conversationId: { type: 'string' }, authorId: { type: 'string' }, authorName: { type: 'string' },
    text: { type: 'string' }, createdAt: { type: 'number' },
  },
} as const
