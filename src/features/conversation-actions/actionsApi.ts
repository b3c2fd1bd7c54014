import { apiJson } from '@/kernel/http/client'
import { isApiError } from '@/kernel/http/errors'
import { getSetting, setSetting } from '@/kernel/db'
import type { Conversation, CustomerDetails, TransferTarget } from '@/kernel/contract'

const conv = (id: string) => `conversations/${encodeURIComponent(id)}`

export async function getCustomerDetails(conversationId: string): Promise<CustomerDetails> {
  return (await apiJson<{ customer: CustomerDetails }>('GET', `${conv(conversationId)}/customer`)).customer
}

export type HistoryOrder = 'desc' | 'asc'

/** The customer's other conversations I may see, by arrival time; `cursor` is the last arrivedAt seen. */
export async function getHistory(conversationId: string, opts: { order: HistoryOrder; cursor?: number; limit?: number }): Promise<Conversation[]> {
  const searchParams: Record<string, string | number | undefined> = { order: opts.order, limit: opts.limit ?? 20 }
  if (opts.cursor !== undefined) searchParams[opts.order === 'desc' ? 'before' : 'after'] = opts.cursor
  return (await apiJson<{ conversations: Conversation[] }>('GET', `${conv(conversationId)}/history`, { searchParams })).conversations
}

const TARGETS_KEY = 'transfer.targets'

/** Queues and agents to transfer to; offline, the last list this device saw (a Transfer made offline is queued). */
export async function getTransferTargets(): Promise<TransferTarget[]> {
  try {
    const targets = (await apiJson<{ targets: TransferTarget[] }>('GET', 'transfer-targets')).targets
    void setSetting(TARGETS_KEY, targets).catch(() => undefined)
    return targets
  } catch (e) {
    if (isApiError(e) && e.isNetwork) {
      const saved = await getSetting<TransferTarget[]>(TARGETS_KEY).catch(() => undefined)
      if (Array.isArray(saved) && saved.length) return saved
    }
    throw e
  }
}
