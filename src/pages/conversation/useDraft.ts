import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { getDb } from '@/kernel/db'
import { reportStorageError } from '@/kernel/db/status'

const SAVE_DELAY_MS = 400

async function readDraft(conversationId: string): Promise<string> {
  try {
    return (await (await getDb()).get('drafts', conversationId))?.text ?? ''
  } catch {
    return ''
  }
}

async function writeDraft(conversationId: string, text: string): Promise<void> {
  try {
    const db = await getDb()
    if (text.trim()) await db.put('drafts', { conversationId, text, updatedAt: Date.now() })
    else await db.delete('drafts', conversationId)
  } catch (e) {
    // A full disk is shown to the agent; otherwise (private mode) the draft just isn't kept.
    reportStorageError(e)
  }
}

/** The composer's text per conversation, kept in IndexedDB (`drafts`) and restored on return. */
export function useDraft(conversationId: Ref<string>) {
  const text = ref('')
  let timer: ReturnType<typeof setTimeout> | null = null
  let pending: { id: string; text: string } | null = null
  /** Don't save what we just restored (or a stale value while the restore runs). */
  let restoring = false

  function flush() {
    if (timer) clearTimeout(timer)
    timer = null
    if (pending) void writeDraft(pending.id, pending.text)
    pending = null
  }

  watch(
    conversationId,
    async (id) => {
      flush()
      restoring = true
      text.value = ''
      const saved = await readDraft(id)
      if (id !== conversationId.value) return
      // Typing may have started while reading: keep what was typed.
      if (!text.value) text.value = saved
      restoring = false
    },
    { immediate: true },
  )

  watch(text, (value) => {
    if (restoring) return
    pending = { id: conversationId.value, text: value }
    if (timer) clearTimeout(timer)
    timer = setTimeout(flush, SAVE_DELAY_MS)
  })

  /** After sending: forget the draft now. */
  function clear() {
    text.value = ''
    if (timer) clearTimeout(timer)
    timer = null
    pending = null
    void writeDraft(conversationId.value, '')
  }

  onBeforeUnmount(flush)

  return { text, clear, flush }
}
