import { apiJson } from '@/kernel/http/client'
import type { SearchPage } from '@/kernel/contract'

/** One page of GET /api/search (q 1..200 chars; cursor from the previous page). */
export function searchPage(q: string, cursor: string | null, limit = 20): Promise<SearchPage> {
  return apiJson<SearchPage>('GET', 'search', { searchParams: { q, limit, cursor: cursor ?? undefined }, timeout: 10_000 })
}
