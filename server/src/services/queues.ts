import { randomUUID } from 'node:crypto'
import type { OpeningHours, Queue, RoutingMode } from '../api-types.js'
import { insertQueue, listQueues, queueExists, setQueueMembers, updateQueue } from '../db/repositories/queues.js'
import type { AppContext } from './context.js'
import { conflict, HttpError, notFound } from './errors.js'
import { hoursProblem } from './openingHours.js'
import { isForeignKeyViolation, isUniqueViolation } from './users.js'

export interface QueueInput {
  name: string; address: string; routingMode: RoutingMode; memberIds?: string[] | undefined
  /** Origins that may frame the chat page (normalised: lower-case, no default port, no slash). */
  embedOrigins?: string[] | undefined
  /** Opening hours, or null for always open. */
  openingHours?: OpeningHours | null | undefined
}

/**
 * An origin as the browser sends it in `frame-ancestors` matching: scheme, host, port if not the
 * default. @throws 400 bad_request for anything else (a path, credentials, a query)
 */
export function normalizeOrigin(input: string): string {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    throw new HttpError(400, 'bad_request', `Not an origin: ${input}`)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw new HttpError(400, 'bad_request', `An origin is a scheme, a host and a port only: ${input}`)
  }
  return url.origin
}

/** The columns an admin's input changes for embedding and hours. @throws 400 on bad hours or origins */
function customerSideColumns(b: Partial<QueueInput>) {
  if (b.openingHours) {
    const problem = hoursProblem(b.openingHours)
    if (problem) throw new HttpError(400, 'bad_request', problem)
  }
  return {
    ...(b.embedOrigins !== undefined ? { embed_origins: JSON.stringify([...new Set(b.embedOrigins.map(normalizeOrigin))]) } : {}),
    ...(b.openingHours !== undefined ? { opening_hours: b.openingHours ? JSON.stringify(b.openingHours) : null } : {}),
  }
}

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
  const extra = customerSideColumns(b)
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertQueue(trx, { id, name: b.name.trim(), address: b.address, routingMode: b.routingMode })
      await updateQueue(trx, id, extra)
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
  const extra = customerSideColumns(b)
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await updateQueue(trx, id, {
        ...(b.name !== undefined ? { name: b.name.trim() } : {}),
        ...(b.address !== undefined ? { address: b.address } : {}),
        ...(b.routingMode !== undefined ? { routing_mode: b.routingMode } : {}),
        ...extra,
      })
      if (b.memberIds) await setQueueMembers(trx, id, b.memberIds)
    })
  } catch (err) {
    throw refusal(err, b.address)
  }
  if (b.memberIds) membershipChanged(ctx)
  return (await listQueues(ctx.db, [id]))[0]!
}
