import type { Ajv, SchemaValidateFunction } from 'ajv'
import type { FromSchema } from 'json-schema-to-ts'
import { HttpError } from '../services/errors.js'
import { fitsGraphemes, TEXT_LIMITS, UNITS_PER_GRAPHEME } from '../text.js'

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
    notifyMessages: { type: 'boolean' }, awayReason: nullable('string'), awaySince: nullable('number'), locale: { type: ['string', 'null'] },
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
    offeredTo: nullable('string'), offerExpiresAt: nullable('number'), waitingSince: nullable('number'),
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

/**
 * The `maxGraphemes` keyword (an Ajv plugin, app.ts): a string of at most N user-perceived
 * characters (graphemes, server/src/text.ts), so 👍🏽 or e + U+0301 counts as one, as people count.
 * The error reads "must NOT have more than N characters".
 */
export function maxGraphemesKeyword(ajv: Ajv): Ajv {
  const validate: SchemaValidateFunction = (max: number, data: unknown) => {
    if (typeof data !== 'string' || fitsGraphemes(data, max)) return true
    validate.errors = [{ keyword: 'maxGraphemes', message: `must NOT have more than ${max} characters`, params: { limit: max } }]
    return false
  }
  return ajv.addKeyword({ keyword: 'maxGraphemes', type: 'string', schemaType: 'number', errors: true, validate })
}

/**
 * A user-text field of at most `max` graphemes (TEXT_LIMITS): `maxGraphemes` is the limit people
 * see, `maxLength` (code points) the coarse byte guard, max × UNITS_PER_GRAPHEME. Spread it and
 * add `minLength`/`pattern` as needed.
 */
export function userText<const Max extends number>(max: Max) {
  return { type: 'string', maxLength: max * UNITS_PER_GRAPHEME, maxGraphemes: max } as const
}

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
    text: userText(TEXT_LIMITS.message),
    attachmentIds: { type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 10, uniqueItems: true },
  },
} as const

/** A batch of messages for one conversation (the outbox), in order: 1..50 items, each as the single send. */
export const batchBody = {
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: { messages: { type: 'array', items: sendBody, minItems: 1, maxItems: 50 } },
} as const

/** The answer to a batch (services/conversations.ts, sendBatch). */
export const batchReply = {
  200: {
    type: 'object',
    properties: {
      stored: { type: 'array', items: messageSchema },
      failed: {
        type: 'object',
        properties: {
          clientId: { type: 'string' }, index: { type: 'integer' }, status: { type: 'integer' },
          error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
} as const

/** A message as sent (agents and customers), typed from its schema. */
export type SendBody = FromSchema<typeof sendBody>

/** The rule the schema can't say: some text or at least one attachment. */
export function checkSendBody(b: SendBody, where = 'A message') {
  if (!b.text.trim() && !b.attachmentIds?.length) {
    throw new HttpError(400, 'bad_request', `${where} needs text or an attachment`)
  }
}

/** The same for every item of a batch, and no clientId twice: a batch that fails these stores nothing (400). */
export function checkBatchBody(b: { messages: SendBody[] }) {
  b.messages.forEach((m, i) => checkSendBody(m, `Message ${i + 1} of the batch`))
  if (new Set(b.messages.map((m) => m.clientId)).size !== b.messages.length) {
    throw new HttpError(400, 'bad_request', 'A batch may not hold the same clientId twice')
  }
}

export const noteSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, conversationId: { type: 'string' }, authorId: { type: 'string' }, authorName: { type: 'string' },
    text: { type: 'string' }, createdAt: { type: 'number' },
  },
} as const

/** The admin's WorkSettings (a PUT body and an answer). */
export const workSettingsSchema = {
  type: 'object',
  required: ['missedOffersAway', 'waitWarnMinutes', 'waitUrgentMinutes'],
  additionalProperties: false,
  properties: {
    missedOffersAway: { type: 'integer', minimum: 0, maximum: 20 },
    waitWarnMinutes: { type: 'integer', minimum: 1, maximum: 240 },
    waitUrgentMinutes: { type: 'integer', minimum: 1, maximum: 240 },
  },
} as const
