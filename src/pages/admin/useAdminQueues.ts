import { computed, ref } from 'vue'
import type { Queue } from '@/kernel/contract'
import { adminApi, toAdminError, type NewQueue, type QueuePatch } from './adminApi'

// Shared by the whole admin area (one lazy chunk), so both screens see the same list.
const queues = ref<Queue[]>([])
const loading = ref(false)
const loadError = ref('')

const byName = (a: Queue, b: Queue) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' })

function put(queue: Queue) {
  const i = queues.value.findIndex((q) => q.id === queue.id)
  const next = [...queues.value]
  if (i >= 0) next[i] = queue
  else next.push(queue)
  queues.value = next.sort(byName)
}

/** Queues: the list, and creating and changing them. */
export function useAdminQueues() {
  async function load() {
    loading.value = true
    loadError.value = ''
    try {
      queues.value = [...(await adminApi.listQueues())].sort(byName)
    } catch (err) {
      loadError.value = (await toAdminError(err)).message
    } finally {
      loading.value = false
    }
  }

  async function create(body: NewQueue): Promise<Queue> {
    const queue = await adminApi.createQueue(body)
    put(queue)
    return queue
  }

  async function update(id: string, patch: QueuePatch): Promise<Queue> {
    const queue = await adminApi.updateQueue(id, patch)
    put(queue)
    return queue
  }

  return { queues: computed(() => queues.value), loading, loadError, load, create, update }
}
