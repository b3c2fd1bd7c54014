import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { getDb } from '@/kernel/db'
import { reportStorageError } from '@/kernel/db/status'
import { onSignOutReset } from '@/entities/user/resets'

const SAVE_DELAY_MS = 400
/**
 * localStorage copy of drafts written while the page goes away (pagehide, hidden, freeze): an
 * IndexedDB write started then may not finish before the page is gone; localStorage is synchronous.
 * Read back (the newer of the two wins) and removed once IndexedDB holds the draft.
 */
const BACKUP_PREFIX = 'parley.draft.'

interface Backup {
  text: string
  updatedAt: number
}

function readBackup(conversationId: string): Backup | null {
  try {
    const raw = localStorage.getItem(BACKUP_PREFIX + conversationId)
    const b = raw ? (JSON.parse(raw) as Backup) : null
    return b && typeof b.text === 'string' && typeof b.updatedAt === 'number' ? b : null
  } catch {
    return null
  }
}

function writeBackup(conversationId: string, text: string): void {
  try {
    localStorage.setItem(BACKUP_PREFIX + conversationId, JSON.stringify({ text, updatedAt: Date.now() } satisfies Backup))
  } catch {
    // storage full or unavailable: the IndexedDB write may still make it
  }
}

function dropBackup(conversationId: string): void {
  try {
    localStorage.removeItem(BACKUP_PREFIX + conversationId)
  } catch {
    // nothing kept
  }
}

/** Sign-out: no draft of this agent stays readable in localStorage. */
function dropAllBackups(): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(BACKUP_PREFIX)) localStorage.removeItem(key)
  } catch {
    // nothing kept
  }
}
onSignOutReset(dropAllBackups)

async function readDraft(conversationId: string): Promise<string> {
  let stored: { text: string; updatedAt: number } | undefined
  try {
    stored = await (await getDb()).get('drafts', conversationId)
  } catch {
    stored = undefined
  }
  const backup = readBackup(conversationId)
  if (backup && backup.updatedAt >= (stored?.updatedAt ?? 0)) {
    void writeDraft(conversationId, backup.text)
    return backup.text
  }
  return stored?.text ?? ''
}

async function writeDraft(conversationId: string, text: string): Promise<void> {
  try {
    const db = await getDb()
    if (text.trim()) await db.put('drafts', { conversationId, text, updatedAt: Date.now() })
    else await db.delete('drafts', conversationId)
    dropBackup(conversationId)
  } catch (e) {
    // A full disk is shown to the agent; otherwise (private mode, blocked) the backup keeps it.
    reportStorageError(e)
    writeBackup(conversationId, text)
  }
}

/**
 * The composer's text per conversation, kept in IndexedDB (`drafts`) and restored on return.
 * Written 400 ms after typing stops, on unmount, and at once when the page is hidden, frozen or
 * unloaded (pagehide, visibilitychange hidden, freeze: Page Lifecycle API), so a reload or a
 * discarded tab right after typing loses nothing.
 */
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

  /** The page may be gone before IndexedDB finishes: keep a synchronous copy too. */
  function flushNow() {
    if (pending) writeBackup(pending.id, pending.text)
    flush()
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
    dropBackup(conversationId.value)
    void writeDraft(conversationId.value, '')
  }

  const onHidden = () => {
    if (document.visibilityState === 'hidden') flushNow()
  }
  window.addEventListener('pagehide', flushNow)
  document.addEventListener('visibilitychange', onHidden)
  document.addEventListener('freeze', flushNow)

  onBeforeUnmount(() => {
    window.removeEventListener('pagehide', flushNow)
    document.removeEventListener('visibilitychange', onHidden)
    document.removeEventListener('freeze', flushNow)
    flush()
  })

  return { text, clear, flush }
}
