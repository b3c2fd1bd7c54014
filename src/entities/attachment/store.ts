import { defineStore } from 'pinia'
import { ref } from 'vue'
import { apiJson } from '@/kernel/http/client'
import type { FileRules } from './rules'

/** The admin's file rules as this app knows them; the socket's `settings` frame replaces them live. */
export const useFileRulesStore = defineStore('fileRules', () => {
  const rules = ref<FileRules | null>(null)

  async function load(): Promise<FileRules> {
    const res = await apiJson<{ files: FileRules }>('GET', 'public/settings/files')
    rules.value = res.files
    return res.files
  }

  function apply(next: FileRules) {
    rules.value = next
  }

  return { rules, load, apply }
})
