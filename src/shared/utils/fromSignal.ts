import { readonly, shallowRef, type Ref } from 'vue'
import type { Signal } from '@/kernel/signal'

/** A kernel signal as a read-only Vue ref (one subscription for the app's lifetime). */
export function fromSignal<T>(s: Signal<T>): Readonly<Ref<T>> {
  const r = shallowRef(s.get())
  s.subscribe((v) => (r.value = v))
  return readonly(r) as Readonly<Ref<T>>
}
