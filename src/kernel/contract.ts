// The JSON contract shared with the server (type-only: nothing reaches the bundle).
import type { Conversation, Message, Note, PublicConversation, ServerEvent } from '../../server/src/api-types'

export type * from '../../server/src/api-types'

/** What each event type carries (server/src/events.ts pairs them so). */
export interface EventDataByType {
  'conversation.created': { conversation: Conversation | PublicConversation }
  'conversation.updated': { conversation: Conversation | PublicConversation }
  'message.created': { message: Message }
  'note.created': { note: Note }
  'receipts.updated': { deliveredSeq: number; readSeq: number }
  'read.updated': { userId: string; lastReadSeq: number }
}

/**
 * ServerEvent as a union keyed on `type`, so a `switch (event.type)` narrows `data`.
 * server/src/api-types.ts declares ServerEvent with a loose `data` union (read-only here); once it
 * is this union itself, this alias becomes `ServerEvent`.
 */
export type TypedServerEvent = {
  [K in keyof EventDataByType]: Omit<ServerEvent, 'type' | 'data'> & { type: K; data: EventDataByType[K] }
}[keyof EventDataByType]

/** An event off the socket, typed by its `type` (the server always pairs type and data). */
export const typedEvent = (event: ServerEvent): TypedServerEvent => event as TypedServerEvent

/** Agents get Conversation; customers get PublicConversation (it has `queueName`). */
export const isPublicConversation = (c: Conversation | PublicConversation): c is PublicConversation => 'queueName' in c
