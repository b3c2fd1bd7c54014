// Client socket frames are checked like HTTP bodies: a JSON schema per frame type, compiled once
// with the Ajv that Fastify itself validates bodies with (a dependency of fastify, same major).
// Ajv is loaded and the schemas compiled on the first frame, not at start (issue 12, start-up).
import { createRequire } from 'node:module'
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv'
import type { ClientFrame } from '../api-types.js'

/** Conversation and device ids are UUIDs (crypto.randomUUID); anything else can't name a row. */
const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const

/**
 * One schema per `type`; fields are typed and nothing else is allowed (as the HTTP bodies).
 * `cursor` is an event id: a non-negative safe integer. `token` is a customer chat token
 * (base64url, as `requireCustomer` accepts for HTTP).
 */
export const clientFrameSchemas = {
  hello: {
    type: 'object', required: ['type'], additionalProperties: false,
    properties: {
      type: { const: 'hello' },
      cursor: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      token: { type: 'string', pattern: '^[A-Za-z0-9_-]{20,200}$' },
    },
  },
  typing: {
    type: 'object', required: ['type', 'conversationId'], additionalProperties: false,
    properties: { type: { const: 'typing' }, conversationId: uuid },
  },
  viewing: {
    type: 'object', required: ['type', 'conversationId'], additionalProperties: false,
    // The app takes the conversation id from its URL, so any short string is accepted (it only
    // suppresses pushes for a conversation of that id, if there is one).
    properties: { type: { const: 'viewing' }, conversationId: { anyOf: [{ type: 'string', maxLength: 100 }, { type: 'null' }] }, deviceId: uuid },
  },
} as const

type FrameType = keyof typeof clientFrameSchemas

let validators: Record<FrameType, ValidateFunction> | undefined
/** The frame validators, compiled on first use (strict, no coercion, no defaults). */
function frameValidators(): Record<FrameType, ValidateFunction> {
  if (validators) return validators
  const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass }
  // No coercion and no defaults: a frame is used exactly as sent, or refused.
  const ajv = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false, strict: true })
  validators = Object.fromEntries(
    Object.entries(clientFrameSchemas).map(([type, schema]) => [type, ajv.compile(schema)]),
  ) as Record<FrameType, ValidateFunction>
  return validators
}

/** A checked frame, or why it was refused (`type` when the frame named a known one). */
export type FrameCheck = { ok: true; frame: ClientFrame } | { ok: false; message: string; type?: FrameType }

const describe = (e: ErrorObject | undefined) =>
  e ? `${e.instancePath || 'frame'} ${e.message ?? 'is invalid'}`.trim() : 'frame is invalid'

/**
 * Parses and checks one client frame. Never throws: text that isn't JSON, JSON that isn't an
 * object, an unknown `type` or a field of the wrong type gives `{ ok: false, message }` with a
 * message fit for the error frame.
 */
export function parseClientFrame(text: string): FrameCheck {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, message: 'Frames must be JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'A frame must be a JSON object' }
  const type = (value as { type?: unknown }).type
  if (typeof type !== 'string' || !Object.hasOwn(clientFrameSchemas, type)) return { ok: false, message: 'Unknown frame type' }
  const validate = frameValidators()[type as FrameType]
  if (!validate(value)) return { ok: false, type: type as FrameType, message: `Invalid ${type} frame: ${describe(validate.errors?.[0])}` }
  return { ok: true, frame: value as ClientFrame }
}
