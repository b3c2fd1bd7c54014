// The sending code (send.ts, with the uploader) for pages, loaded when the first item goes: a
// page's first screen only reads its outbox. (The service worker imports send.ts directly.)
import type { OutboxItem } from '../db/schema'
import { BATCH_MAX, joinsBatch } from './outbox'
import type { BatchSender, Delivered, SendContext } from './send'

const sending = () => import('./send')

/**
 * Loads the sending code now (no-op when it is loaded): called once sending starts, so that it is
 * there before the network may go away (without a service worker in control, a chunk can't load offline).
 */
export function preloadSending(): void {
  sending().catch(() => undefined)
}

/** `sendItem` over the kernel's HTTP transport; rejects as it does (ApiError), or when the code can't load. */
export async function sendLater(item: OutboxItem, ctx: SendContext): Promise<Delivered> {
  const m = await sending()
  return m.sendItem(item, m.httpTransport, ctx)
}

/** `batchSender(httpTransport)`, its code loaded on the first batch. */
export const lazyBatchSender: BatchSender = {
  max: BATCH_MAX,
  joins: joinsBatch,
  send: async (items, ctxFor) => {
    const m = await sending()
    return m.sendBatch(items, m.httpTransport, ctxFor)
  },
}
