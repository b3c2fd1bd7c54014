import { randomUUID } from 'node:crypto'
import type { Queue, RoutingMode } from '../api-types.js'
import { insertQueue, listQueues, queueExists, setQueueMembers, updateQueue } from '../db/repositories/queues.js'
import type { AppContext } from './context.js'
import { conflict, notFound } from './errors.js'
import { isForeignKeyViolation, isUniqueViolation } from './users.js'

export interface QueueInput { name: string; address: string; routingMode: RoutingMode; memberIds?: string[] | undefined }

const membershipChanged = (ctx: AppContext) => ctx.pubsub.publish({ kind: 'control', control: 'membership.changed', userId: null })

function refusal(err: unknown, address: string | undefined): unknown {
  if (isUniqueViolation(err)) return conflict('address_taken', `The address ${address} is already used by another queue`)
  if (isForeignKeyViolation(err)) return notFound('User not found')
  return err
}

/**
 * An admin creates a queue with its members, in one transaction.
 * @throws 409 address_taken; 404 when a member id names no user
 */
export async function createQueue(ctx: AppContext, b: QueueInput): Promise<Queue> {
  const id = randomUUID()
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertQueue(trx, { id, name: b.name.trim(), address: b.address, routingMode: b.routingMode })
      if (b.memberIds?.length) await setQueueMembers(trx, id, b.memberIds)
    })
  } catch (err) {
    throw refusal(err, b.address)
  }
  if (b.memberIds?.length) membershipChanged(ctx)
  return (await listQueues(ctx.db, [id]))[0]!
}

/**
 * An admin changes a queue (name, address, routing mode, members), in one transaction.
 * @throws 404 when there is no such queue or a member id names no user; 409 address_taken
 */
export async function changeQueue(ctx: AppContext, id: string, b: Partial<QueueInput>): Promise<Queue> {
  if (!(await queueExists(ctx.db, id))) throw notFound('Queue not found')
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await updateQueue(trx, id, {
        ...(b.name !== undefined ? { name: b.name.trim() } : {}),
        ...(b.address !== undefined ? { address: b.address } : {}),
        ...(b.routingMode !== undefined ? { routing_mode: b.routingMode } : {}),
      })
      if (b.memberIds) await setQueueMembers(trx, id, b.memberIds)
    })
  } catch (err) {
    throw refusal(err, b.address)
  }
  if (b.memberIds) membershipChanged(ctx)
  return (await listQueues(ctx.db, [id]))[0]!
}
