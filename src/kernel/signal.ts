/**
 * A value that can be watched, without a framework: the kernel's way to tell the pages (and their
 * Vue wrappers, see src/features/offline) about a state that changes (storage full, database
 * blocked, network unreachable). Listeners run synchronously on every change of value.
 */
export interface Signal<T> {
  get(): T
  set(value: T): void
  /** Calls `listener` on every change; answers the function that stops it. */
  subscribe(listener: (value: T) => void): () => void
}

export function signal<T>(initial: T): Signal<T> {
  let value = initial
  const listeners = new Set<(value: T) => void>()
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return
      value = next
      for (const l of [...listeners]) l(value)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
