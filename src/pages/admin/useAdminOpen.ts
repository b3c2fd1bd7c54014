import { computed, onMounted, ref } from 'vue'
import type { Conversation } from '@/kernel/contract'
import { errorMessage } from '@/kernel/http/errors'
import { onFrame } from '@/shared/realtime/frames'
import { listOpen } from './supervisorApi'

const byWaiting = (a: Conversation, b: Conversation) =>
  (a.waitingSince ?? Infinity) - (b.waitingSince ?? Infinity) || a.arrivedAt - b.arrivedAt

/**
 * Admin › All open: the list from GET /api/admin/open, kept live by the socket's `supervisor`
 * frames (an ended one leaves) and reloaded after each `ready` (those frames are not replayed).
 */
export function useAdminOpen(fallbackError: () => string) {
  const list = ref<Conversation[]>([])
  const loading = ref(true)
  const loadError = ref('')
  const sorted = computed(() => [...list.value].sort(byWaiting))

  async function load() {
    loading.value = true
    loadError.value = ''
    try {
      list.value = await listOpen()
    } catch (e) {
      loadError.value = errorMessage(e, fallbackError())
    } finally {
      loading.value = false
    }
  }

  function put(c: Conversation) {
    const rest = list.value.filter((x) => x.id !== c.id)
    list.value = c.state === 'ended' ? rest : [...rest, c]
  }

  onFrame('supervisor', put)
  onFrame('ready', () => void load())
  onMounted(load)
  return { list: sorted, loading, loadError, load, put }
}
