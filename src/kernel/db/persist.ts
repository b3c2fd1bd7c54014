let asked = false

/**
 * Ask the browser to keep Parley's storage (the outbox, drafts and the offline copy) even when the
 * device runs low on space. Once per start after sign-in: Chrome decides silently (installed apps,
 * engagement), Firefox asks the user once and remembers. Answers whether storage is persistent.
 */
export async function requestPersistentStorage(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<boolean> {
  if (!storage?.persist || !storage.persisted) return false
  try {
    if (await storage.persisted()) return true
    if (asked) return false
    asked = true
    return await storage.persist()
  } catch {
    return false
  }
}
