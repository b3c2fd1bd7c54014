import { onScopeDispose, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'

/**
 * An object URL for a Blob while the caller is alive: made when the Blob is set, revoked when it
 * changes or the component unmounts, so files of the outbox don't stay in memory once off screen.
 */
export function useObjectUrl(blob: MaybeRefOrGetter<Blob | null | undefined>): Readonly<Ref<string | null>> {
  const url = shallowRef<string | null>(null)
  const release = () => {
    if (url.value) URL.revokeObjectURL(url.value)
    url.value = null
  }
  watch(
    () => toValue(blob),
    (b) => {
      release()
      if (b) url.value = URL.createObjectURL(b)
    },
    { immediate: true },
  )
  onScopeDispose(release)
  return url
}
