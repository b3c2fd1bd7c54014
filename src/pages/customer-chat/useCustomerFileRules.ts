import { computed } from 'vue'
import { useFileRulesStore } from '@/entities/attachment/store'
import type { FileRules } from '@/kernel/contract'

/** Image types a browser's picker knows, by the extension the admin lists. */
const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  heic: 'image/heic', heif: 'image/heif', avif: 'image/avif',
}

/** The `accept` of the photo picker: the allowed image types, as extensions and MIME types. */
export function imageAccept(rules: FileRules | null): string {
  const exts = rules ? rules.allowedTypes.map((t) => t.toLowerCase().replace(/^\./, '')).filter((t) => t in IMAGE_TYPES) : Object.keys(IMAGE_TYPES)
  return [...new Set([...exts.map((e) => `.${e}`), ...exts.map((e) => IMAGE_TYPES[e]!)])].join(',')
}

/**
 * The admin's file rules for the customer: the same store the agent app uses (loaded on demand,
 * replaced live by the socket's `settings` frame, an older HTTP answer never overwriting it).
 */
export function useCustomerFileRules() {
  const store = useFileRulesStore()

  /** Fetch the current rules; on failure keep the ones known (the server checks again anyway). */
  async function refresh(): Promise<FileRules | null> {
    try {
      await store.load()
    } catch {
      // Offline or a hiccup: the last known rules stand.
    }
    return store.rules
  }

  return { rules: computed(() => store.rules), refresh, apply: store.apply }
}
