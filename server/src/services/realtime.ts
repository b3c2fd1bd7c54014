import type { WebSocket } from 'ws'
import type { ClientFrame, ServerEvent, ServerFrame, User } from '../api-types.js'
import { agentCanSee, queueIdsOf, toPublicConversation } from '../db/repositories/conversations.js'
import type { AppContext } from './context.js'
import { conversationIdForToken } from './conversations.js'
import { latestEventId, readEvents, type StoredEvent } from './events.js'
import type { Published } from './pubsub.js'
import { getFileRules } from './fileRules.js'
import { withSignedUrls } from './signedUrls.js'

/** Event frames as sent, keyed by the event object that all sockets share. */
const frameCache = new WeakMap<ServerEvent, string>()

/** Past this many missed events a client is told to reload instead of replaying. */
const MAX_REPLAY = 2000

type Identity =
  | { kind: 'agent'; user: User; queueIds: Set<string> }
  | { kind: 'customer'; conversationId: string }

/**
 * One socket's life: wait for hello, authenticate, replay what was missed since the client's
 * cursor, then stream live events. Live events that arrive during the replay are buffered and
 * sent after it, skipping ids already sent, so each event reaches the client exactly once.
 */
export function handleSocket(ctx: AppContext, socket: WebSocket, sessionUser: User | undefined) {
  let identity: Identity | undefined
  let replaying = true
  let lastSent = 0
  const buffer: StoredEvent[] = []
  let unsubscribe: (() => void) | undefined

  const send = (frame: ServerFrame) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
  }
  const fail = (code: string, message: string, closeCode = 4401) => {
    send({ type: 'error', error: { code, message } })
    socket.close(closeCode, code)
  }

  const visible = (p: { queueId: string; conversationId: string; visibility: 'public' | 'internal' }): boolean => {
    if (!identity) return false
    if (identity.kind === 'customer') return p.conversationId === identity.conversationId && p.visibility === 'public'
    return identity.queueIds.has(p.queueId)
  }

  /** Customers get the public shape of a conversation, never the agents' one, and signed file URLs. */
  const shape = (event: ServerEvent): ServerEvent => {
    if (identity?.kind === 'customer' && 'conversation' in event.data && 'queue' in event.data.conversation) {
      return { ...event, data: { conversation: toPublicConversation(event.data.conversation) } }
    }
    if (identity?.kind === 'customer' && 'message' in event.data && event.data.message.attachments?.length) {
      return { ...event, data: { message: withSignedUrls(ctx.signer, event.data.message) } }
    }
    return event
  }

  const deliver = (p: StoredEvent) => {
    if (p.event.id <= lastSent) return
    lastSent = p.event.id
    if (socket.readyState !== socket.OPEN) return
    const shaped = shape(p.event)
    // Serialised once per event and shared by every socket that gets the same shape.
    let text = frameCache.get(shaped)
    if (!text) {
      text = JSON.stringify({ type: 'event', event: shaped } satisfies ServerFrame)
      frameCache.set(shaped, text)
    }
    socket.send(text)
  }

  const onPublished = (p: Published) => {
    if (p.kind === 'control') return control(p.control, p.userId)
    if (p.kind === 'typing') {
      // Typing goes to the other side only.
      const side = identity?.kind === 'customer' ? 'customer' : 'agent'
      if (p.from !== side && visible({ ...p, visibility: 'public' })) send(p.frame)
      return
    }
    if (!visible(p)) return
    if (replaying) buffer.push(p)
    else deliver(p)
  }

  const control = (kind: 'user.deactivated' | 'membership.changed' | 'settings.changed', userId: string | null) => {
    if (kind === 'settings.changed') {
      if (identity) getFileRules(ctx.db).then((files) => send({ type: 'settings', files }), () => undefined)
      return
    }
    if (identity?.kind !== 'agent' || (userId && userId !== identity.user.id)) return
    if (kind === 'user.deactivated') return fail('deactivated', 'Your account was deactivated')
    const agent = identity
    queueIdsOf(ctx.db, agent.user.id).then((ids) => { agent.queueIds = new Set(ids) }, () => undefined)
  }

  async function hello(frame: Extract<ClientFrame, { type: 'hello' }>) {
    if (frame.token) {
      const conversationId = await conversationIdForToken(ctx, frame.token)
      if (!conversationId) return fail('unauthorized', 'This chat link is not valid any more')
      identity = { kind: 'customer', conversationId }
    } else if (sessionUser) {
      identity = { kind: 'agent', user: sessionUser, queueIds: new Set(await queueIdsOf(ctx.db, sessionUser.id)) }
    } else {
      return fail('unauthorized', 'Please sign in')
    }
    unsubscribe = ctx.pubsub.subscribe(onPublished)

    const latest = await latestEventId(ctx.db)
    const cursor = frame.cursor
    let reset = false
    if (cursor === undefined) {
      lastSent = latest
    } else if (cursor > latest) {
      // The client saw a log this server doesn't have (data wiped or another install): reload.
      reset = true
      lastSent = latest
    } else {
      const scope = identity.kind === 'customer' ? { conversationId: identity.conversationId } : { queueIds: [...identity.queueIds] }
      const missed = await readEvents(ctx.db, cursor, scope, MAX_REPLAY + 1)
      if (missed.length > MAX_REPLAY) {
        reset = true
        lastSent = latest
      } else {
        lastSent = cursor
        for (const e of missed) deliver(e)
      }
    }
    replaying = false
    for (const p of buffer.splice(0)) deliver(p)
    send({ type: 'ready', cursor: Math.max(lastSent, latest), ...(reset ? { reset: true } : {}) })
  }

  async function typing(conversationId: string) {
    if (!identity) return
    if (identity.kind === 'customer') {
      if (conversationId !== identity.conversationId) return
    } else if (!(await agentCanSee(ctx.db, identity.user.id, conversationId))) {
      return
    }
    const conv = await ctx.db.selectFrom('conversations').select(['queue_id', 'state']).where('id', '=', conversationId).executeTakeFirst()
    if (!conv || conv.state === 'ended') return
    const from = identity.kind === 'customer' ? 'customer' : 'agent'
    ctx.pubsub.publish({ kind: 'typing', frame: { type: 'typing', conversationId, who: from }, queueId: conv.queue_id, conversationId, from })
  }

  socket.on('message', (raw) => {
    let frame: ClientFrame
    try {
      frame = JSON.parse(String(raw)) as ClientFrame
    } catch {
      return send({ type: 'error', error: { code: 'bad_request', message: 'Frames must be JSON' } })
    }
    if (frame.type === 'hello' && !identity) {
      const cursorOk = frame.cursor === undefined || (Number.isInteger(frame.cursor) && frame.cursor >= 0)
      if (!cursorOk) return fail('bad_request', 'cursor must be a non-negative integer', 4400)
      hello(frame).catch(() => fail('internal', 'Could not start the session', 1011))
    } else if (frame.type === 'typing' && typeof frame.conversationId === 'string') {
      typing(frame.conversationId).catch(() => undefined)
    } else if (frame.type === 'viewing') {
      viewing(frame.conversationId, frame.deviceId).catch(() => undefined)
    }
  })
  socket.on('close', () => {
    unsubscribe?.()
    if (viewingDevice) viewing(null, viewingDevice).catch(() => undefined)
  })

  /** Remembers what this device shows, so it gets no push for that conversation. */
  let viewingDevice: string | undefined
  async function viewing(conversationId: string | null, deviceId: string | undefined) {
    if (identity?.kind !== 'agent' || typeof deviceId !== 'string') return
    if (conversationId !== null && typeof conversationId !== 'string') return
    viewingDevice = deviceId
    await ctx.db.updateTable('push_devices').set({ viewing_conversation_id: conversationId })
      .where('id', '=', deviceId).where('user_id', '=', identity.user.id).execute()
  }
}
