// Tell the agent how far the customer's device got: delivered = highest seq received,
// read = highest seq shown while the page is visible. Only ever sent when a value increases.
import { computed, onBeforeUnmount, watch, type Ref } from 'vue'
import { customerApi } from './customerApi'
import type { ChatMessage } from './customerTypes'

export function useCustomerReceiptSync(token: Ref<string | null>, messages: Ref<ChatMessage[]>) {
  let sentDelivered = 0
  let sentRead = 0
  let inflight = false
  let again = false

  const highestSeq = computed(() => messages.value.reduce((max, m) => Math.max(max, m.seq ?? 0), 0))
  /** Highest seq of a message someone else (the agent, the system) wrote. */
  const highestOtherSeq = computed(() =>
    messages.value.reduce((max, m) => (m.authorKind === 'customer' ? max : Math.max(max, m.seq ?? 0)), 0))

  async function flush() {
    const t = token.value
    if (!t) return
    if (inflight) {
      again = true
      return
    }
    const top = highestSeq.value
    const body: { deliveredSeq?: number; readSeq?: number } = {}
    if (highestOtherSeq.value > sentDelivered) body.deliveredSeq = top
    if (document.visibilityState === 'visible' && highestOtherSeq.value > sentRead) body.readSeq = top
    if (body.deliveredSeq === undefined && body.readSeq === undefined) return
    inflight = true
    try {
      await customerApi.receipts(t, body)
      if (token.value === t) {
        sentDelivered = Math.max(sentDelivered, body.deliveredSeq ?? 0)
        sentRead = Math.max(sentRead, body.readSeq ?? 0)
      }
    } catch {
      // Receipts are best effort: the next change tries again.
    } finally {
      inflight = false
      if (again) {
        again = false
        void flush()
      }
    }
  }

  watch(token, () => {
    sentDelivered = 0
    sentRead = 0
  })
  watch(highestOtherSeq, () => void flush())

  const onVisibility = () => {
    if (document.visibilityState === 'visible') void flush()
  }
  document.addEventListener('visibilitychange', onVisibility)
  onBeforeUnmount(() => document.removeEventListener('visibilitychange', onVisibility))

  return { flush }
}
