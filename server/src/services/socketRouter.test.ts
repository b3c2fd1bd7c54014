import { describe, expect, it } from 'vitest'
import type { ServerEvent } from '../api-types.js'
import type { Published, Visibility } from './pubsub.js'
import { createSocketRouter, type RouteKeys } from './socketRouter.js'

const event = (type: ServerEvent['type'], queueId: string, conversationId: string, visibility: Visibility): Published =>
  ({ kind: 'event', queueId, conversationId, visibility, event: { id: 1, type, conversationId, createdAt: 0, data: {} } as ServerEvent })

function setup() {
  const router = createSocketRouter()
  const got = new Map<string, Published[]>()
  const add = (name: string, keys: RouteKeys) => {
    got.set(name, [])
    let k = keys
    const handle = router.add({ keys: () => k, handle: (p) => got.get(name)!.push(p) })
    return { handle, set: (next: RouteKeys) => { k = next; handle.update() } }
  }
  const who = (p: Published) => { for (const l of got.values()) l.length = 0; router.dispatch(p); return [...got].filter(([, l]) => l.length).map(([n, l]) => `${n}${l.length > 1 ? `×${l.length}` : ''}`).sort() }
  return { router, add, who }
}

describe('socket router: each message reaches only the sockets it may concern, once', () => {
  it('events by queue, conversation, visibility; admins get conversation events of every queue', () => {
    const { add, who } = setup()
    add('agentA', { kind: 'agent', queueIds: new Set(['A']), admin: false })
    add('agentAB', { kind: 'agent', queueIds: new Set(['A', 'B']), admin: false })
    add('agentB', { kind: 'agent', queueIds: new Set(['B']), admin: false })
    add('adminA', { kind: 'agent', queueIds: new Set(['A']), admin: true })
    add('customer1', { kind: 'customer', conversationId: 'c1' })
    add('customer2', { kind: 'customer', conversationId: 'c2' })
    expect(who(event('message.created', 'A', 'c1', 'public'))).toEqual(['adminA', 'agentA', 'agentAB', 'customer1'])
    expect(who(event('note.created', 'A', 'c1', 'internal'))).toEqual(['adminA', 'agentA', 'agentAB'])
    expect(who(event('agentReceipts.updated', 'A', 'c1', 'customer'))).toEqual(['customer1'])
    // An admin hears of every conversation change (All open), once even when also in the queue.
    expect(who(event('conversation.updated', 'B', 'c2', 'public'))).toEqual(['adminA', 'agentAB', 'agentB', 'customer2'])
    expect(who(event('conversation.updated', 'A', 'c1', 'public'))).toEqual(['adminA', 'agentA', 'agentAB', 'customer1'])
    expect(who(event('message.created', 'B', 'c2', 'public'))).toEqual(['agentAB', 'agentB', 'customer2'])
    expect(who({ kind: 'typing', queueId: 'B', conversationId: 'c2', from: 'customer', frame: { type: 'typing', conversationId: 'c2', who: 'customer' } })).toEqual(['agentAB', 'agentB', 'customer2'])
    expect(who({ kind: 'control', control: 'membership.changed', userId: 'u' })).toHaveLength(6)
  })

  it('follows an agent’s queues after update(), and forgets a removed route', () => {
    const { router, add, who } = setup()
    const a = add('agent', { kind: 'agent', queueIds: new Set(['A']), admin: false })
    expect(who(event('message.created', 'B', 'c', 'public'))).toEqual([])
    a.set({ kind: 'agent', queueIds: new Set(['B']), admin: false })
    expect(who(event('message.created', 'B', 'c', 'public'))).toEqual(['agent'])
    expect(who(event('message.created', 'A', 'c', 'public'))).toEqual([])
    a.handle.remove()
    expect(who(event('message.created', 'B', 'c', 'public'))).toEqual([])
    expect(router.size).toBe(0)
  })
})
