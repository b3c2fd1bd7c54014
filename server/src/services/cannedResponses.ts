// Canned responses (issue 14, point 1): who may edit which. Shared ones are the admins' (for all
// queues or some), personal ones their agent's alone. Placeholders ({{customer.name}},
// {{customer.email}}, {{agent.name}}) are stored as typed and filled in by the app.
import { randomUUID } from 'node:crypto'
import type { CannedResponse } from '../api-types.js'
import {
  cannedResponseOf, countPersonal, deleteCannedResponse, insertCannedResponse, setCannedQueues, updateCannedResponse,
} from '../db/repositories/cannedResponses.js'
import type { AppContext } from './context.js'
import { conflict, notFound } from './errors.js'
import { isUniqueViolation } from './users.js'

/** Personal responses one agent may keep. */
export const MAX_PERSONAL = 500

/** The owner of a response: an agent's id (personal), or null (shared, the admins'). */
export type Owner = string | null

export interface CannedInput {
  title?: string | undefined
  /** null removes the shortcut. */
  shortcut?: string | null | undefined
  text?: string | undefined
  /** Shared only: null = all queues. */
  queueIds?: string[] | null | undefined
}

/** Shortcuts are compared as typed after "/": trimmed, NFKC, lowercase. */
const cleanShortcut = (s: string | null | undefined) => (s == null ? s : s.normalize('NFKC').trim().toLowerCase() || null)

const taken = (err: unknown, shortcut: string | null | undefined): never => {
  if (isUniqueViolation(err)) throw conflict('shortcut_taken', `The shortcut /${shortcut ?? ''} is already used by another response`)
  throw err
}

/**
 * Creates a response for `owner`.
 * @throws 409 shortcut_taken; 409 limit_reached (personal, past MAX_PERSONAL); 400 invalid_reference (an unknown queue)
 */
export async function createCanned(ctx: AppContext, owner: Owner, b: Required<Pick<CannedInput, 'title' | 'text'>> & CannedInput): Promise<CannedResponse> {
  if (owner !== null && (await countPersonal(ctx.db, owner)) >= MAX_PERSONAL) {
    throw conflict('limit_reached', `You can keep up to ${MAX_PERSONAL} personal responses`)
  }
  const id = randomUUID()
  const shortcut = cleanShortcut(b.shortcut) ?? null
  const queueIds = owner === null && b.queueIds ? [...new Set(b.queueIds)] : []
  try {
    await ctx.db.transaction().execute((trx) => insertCannedResponse(trx, {
      id, ownerId: owner, title: b.title.trim(), shortcut, text: b.text, allQueues: owner === null && !b.queueIds, queueIds, now: Date.now(),
    }))
  } catch (err) {
    taken(err, shortcut)
  }
  return (await cannedResponseOf(ctx.db, id, owner))!
}

/**
 * Changes `owner`'s response `id`.
 * @throws 404 when it is not `owner`'s (another agent's, or shared for an agent); 409 shortcut_taken
 */
export async function changeCanned(ctx: AppContext, owner: Owner, id: string, b: CannedInput): Promise<CannedResponse> {
  if (!(await cannedResponseOf(ctx.db, id, owner))) throw notFound('Canned response not found')
  const shortcut = cleanShortcut(b.shortcut)
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await updateCannedResponse(trx, id, {
        updated_at: Date.now(),
        ...(b.title !== undefined ? { title: b.title.trim() } : {}),
        ...(b.text !== undefined ? { text: b.text } : {}),
        ...(shortcut !== undefined ? { shortcut } : {}),
        ...(owner === null && b.queueIds !== undefined ? { all_queues: b.queueIds === null ? 1 : 0 } : {}),
      })
      if (owner === null && b.queueIds !== undefined) await setCannedQueues(trx, id, b.queueIds ? [...new Set(b.queueIds)] : [])
    })
  } catch (err) {
    taken(err, shortcut)
  }
  return (await cannedResponseOf(ctx.db, id, owner))!
}

/** Deletes `owner`'s response. @throws 404 when it is not theirs */
export async function removeCanned(ctx: AppContext, owner: Owner, id: string): Promise<void> {
  if (!(await deleteCannedResponse(ctx.db, id, owner))) throw notFound('Canned response not found')
}
