import { computed, shallowReactive, type Ref } from 'vue'
import { onSignOutReset } from '@/entities/user/resets'
import { useFileRulesStore } from '@/entities/attachment/store'
import { prepareAttachment, type ComposerAttachment } from './composerAttachments'

// Per conversation, for as long as the app is open: switching chats keeps each one's chips.
const byConversation = shallowReactive(new Map<string, ComposerAttachment[]>())
/** The last refusal per conversation (a rule's sentence), shown until dismissed or the next choice. */
const errors = shallowReactive(new Map<string, string>())

function makeUrl(blob: Blob): string | null {
  return typeof URL.createObjectURL === 'function' ? URL.createObjectURL(blob) : null
}

function release(list: readonly ComposerAttachment[]) {
  for (const a of list) if (a.previewUrl) URL.revokeObjectURL(a.previewUrl)
}

/** The files chosen for the next message of one conversation, checked against the admin's rules. */
export function useComposerAttachments(conversationId: Ref<string>) {
  const rulesStore = useFileRulesStore()
  const list = computed<ComposerAttachment[]>(() => byConversation.get(conversationId.value) ?? [])
  const error = computed(() => errors.get(conversationId.value) ?? '')

  function setError(message: string) {
    if (message) errors.set(conversationId.value, message)
    else errors.delete(conversationId.value)
  }

  /** Adds the files that pass; returns the first refusal (the rule's sentence), or null. */
  function add(files: { blob: Blob; name: string; recorded?: boolean }[]): string | null {
    const id = conversationId.value
    const next = [...(byConversation.get(id) ?? [])]
    let error: string | null = null
    for (const f of files) {
      const result = prepareAttachment(rulesStore.rules, f, next.length, makeUrl)
      if (result.ok) next.push(result.attachment)
      else error ??= result.error
    }
    byConversation.set(id, next)
    setError(error ?? '')
    return error
  }

  function remove(attachmentId: string) {
    const id = conversationId.value
    const current = byConversation.get(id) ?? []
    release(current.filter((a) => a.id === attachmentId))
    byConversation.set(id, current.filter((a) => a.id !== attachmentId))
  }

  /** After sending: these Blobs now live in the outbox (chips added meanwhile stay). */
  function clearSent(sent: readonly ComposerAttachment[]) {
    const id = conversationId.value
    const ids = new Set(sent.map((a) => a.id))
    release(sent)
    const rest = (byConversation.get(id) ?? []).filter((a) => !ids.has(a.id))
    if (rest.length) byConversation.set(id, rest)
    else byConversation.delete(id)
  }

  return { list, error, add, remove, clearSent, setError }
}

/** Sign-out: forget every conversation's chosen files. */
export function clearAllComposerAttachments() {
  for (const l of byConversation.values()) release(l)
  byConversation.clear()
  errors.clear()
}

// Registered with the session: a sign-out drops every chosen file (app/ never reaches in here).
onSignOutReset(clearAllComposerAttachments)
