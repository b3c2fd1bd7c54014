import { computed } from 'vue'
import { browserOnline, listenForNetwork, unreachable } from '@/kernel/network'
import { fromSignal } from '@/shared/utils/fromSignal'

const online = fromSignal(browserOnline)
const unreachableRef = fromSignal(unreachable)

/** Whether Parley can reach its server: drives the offline banner. */
export function useNetworkStatus() {
  listenForNetwork()
  return { online: computed(() => online.value && !unreachableRef.value), browserOnline: online }
}
