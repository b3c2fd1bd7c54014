import { computed } from 'vue'
import { useI18n } from 'petite-vue-i18n'
import type { ChatMessage } from './customerTypes'

/**
 * The receipt under the customer's newest stored message (issue 15, point 4; once, as messengers
 * do, not under every message): "Read" once an agent read up to it, "Delivered" once an agent's
 * app received it, else nothing (it is sent).
 * @param receipts the conversation's agent markers (seqs), when known
 */
export function useReceiptLabel(receipts: () => { delivered: number; read: number } | undefined, messages: () => ChatMessage[]) {
  const { t } = useI18n()
  const lastOwn = computed(() => {
    const own = messages().filter((m) => m.authorKind === 'customer' && m.status === 'sent' && m.seq !== null)
    return own.at(-1)?.seq ?? null
  })
  return (m: ChatMessage): string => {
    const r = receipts()
    if (!r || m.seq === null || m.seq !== lastOwn.value) return ''
    if (m.seq <= r.read) return t('customerSide.receipts.read')
    if (m.seq <= r.delivered) return t('customerSide.receipts.delivered')
    return ''
  }
}
