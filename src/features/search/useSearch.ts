import { ref, watch, type Ref } from 'vue'
import type { SearchHit } from '@/kernel/contract'
import { isApiError } from '@/kernel/http/errors'
import { cutText } from '@/kernel/text'
import { searchLocal } from './localSearch'
import { searchPage } from './searchApi'

/**
 * Search as the agent types (after a 250 ms pause): pages from the server (`more()` for the next),
 * or, when the server can't be reached, this device's copy (`offline` true). An answer to an
 * older query is dropped.
 */
export function useSearch(query: Ref<string>) {
  const hits = ref<SearchHit[]>([])
  const loading = ref(false)
  const loadingMore = ref(false)
  const offline = ref(false)
  const error = ref(false)
  let cursor: string | null = null
  let run = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  async function first(q: string) {
    const mine = ++run
    loading.value = true
    error.value = false
    try {
      const page = await searchPage(q, null)
      if (mine !== run) return
      hits.value = page.hits
      cursor = page.nextCursor
      offline.value = false
    } catch (e) {
      if (mine !== run) return
      if (isApiError(e) && e.isNetwork) {
        hits.value = await searchLocal(q).catch(() => [])
        cursor = null
        offline.value = true
      } else {
        hits.value = []
        error.value = true
      }
    } finally {
      if (mine === run) loading.value = false
    }
  }

  /** The next page (infinite scroll); nothing when there is none. */
  async function more() {
    const q = query.value.trim()
    if (!cursor || loadingMore.value || loading.value || !q) return
    const mine = run
    loadingMore.value = true
    try {
      const page = await searchPage(q, cursor)
      if (mine !== run) return
      hits.value = [...hits.value, ...page.hits]
      cursor = page.nextCursor
    } catch {
      // the next scroll tries again
    } finally {
      loadingMore.value = false
    }
  }

  watch(query, (value) => {
    if (timer) clearTimeout(timer)
    const q = value.trim()
    if (!q) {
      run++
      hits.value = []
      loading.value = false
      return
    }
    loading.value = true
    timer = setTimeout(() => void first(cutText(q, 200, { ellipsis: '' })), 250)
  }, { immediate: true })

  return { hits, loading, loadingMore, offline, error, more, hasMore: () => cursor !== null, retry: () => first(query.value.trim()) }
}
