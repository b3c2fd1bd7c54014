import { readonly } from 'vue'
import { applyUpdate, updateAvailable } from './register'

export function usePwaUpdate() {
  return { updateAvailable: readonly(updateAvailable), reload: applyUpdate }
}
