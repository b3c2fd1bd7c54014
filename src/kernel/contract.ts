// The JSON contract shared with the server (type-only: nothing reaches the bundle).
import type { Conversation, PublicConversation, ServerEvent } from '../../server/src/api-types'

export type * from '../../server/src/api-types'

/** ServerEvent is a union keyed on `type` (a `switch (event.type)` narrows `data`); the old name stays. */
export type TypedServerEvent = ServerEvent

/** An event off the socket, typed by its `type`: the contract's ServerEvent already is (identity). */
export const typedEvent = (event: ServerEvent): TypedServerEvent => event

/** Agents get Conversation; customers get PublicConversation (it has `queueName`). */
export const isPublicConversation = (c: Conversation | PublicConversation): c is PublicConversation => 'queueName' in c
