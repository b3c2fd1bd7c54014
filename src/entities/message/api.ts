import { apiJson } from '@/kernel/http/client'
import type { Message } from '@/kernel/contract'

export async function listMessages(conversationId: string, opts: { beforeSeq?: number; limit?: number } = {}): Promise<Message[]> {
  const res = await apiJson<{ messages: Message[] }>('GET', `conversations/${encodeURIComponent(conversationId)}/messages`, {
    searchParams: { beforeSeq: opts.beforeSeq, limit: opts.limit ?? 200 },
  })
  return res.messages
}
