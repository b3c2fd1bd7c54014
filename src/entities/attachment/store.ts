import { defineStore } from 'pinia'
import { ref } from 'vue'
import { apiJson } from '@/kernel/http/client'
import type { FileRules } from './rules'

/** The admin's file rules as this app knows them; the socket's `settings` frame replaces them live. */
export const useFileRulesStore = defineStore('fileRules', () => {
  const rules = ref<FileRules | null>(null)
  // Rules that came from the socket while a read was on its way are newer than its answer.
  let applied = 0

  async function load(): Promise<FileRules> {
    const before = applied
    const res = await apiJson<{ files: FileRules }>('GET', 'public/settings/files')
    if (applied === before) rules.value = res.files
    return rules.value ?? res.files
  }

  /** Rules from the socket (`settings` frame: sent with every `ready` and on every change). */
  function apply(next: FileRules) {
    applied++
    rules.value = next
  }

  return { rules, load, apply }
})
