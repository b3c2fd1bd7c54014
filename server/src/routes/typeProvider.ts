import type { FastifyTypeProvider } from 'fastify'
import type { FromSchema, JSONSchema } from 'json-schema-to-ts'

/**
 * The routes' type provider: a request's params, querystring, body and headers are typed from the
 * route's `as const` JSON schemas by json-schema-to-ts's FromSchema (the validator side of
 * @fastify/type-provider-json-schema-to-ts, written out: that package has no way to leave replies
 * untyped), so a handler never restates them in a generic.
 *
 * Replies are not typed from the response schemas (that package would): those schemas list the
 * fields to serialise and leave `additionalProperties` open, which json-schema-to-ts turns into an
 * index signature the API's interfaces (Conversation, Message, …, api-types.ts) don't have. The
 * reply's shape comes from the services' return types; fast-json-stringify applies the schema at run time.
 */
export interface RouteTypes extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown
  serializer: unknown
}
