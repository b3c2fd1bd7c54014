import { ref, watch, type Ref } from 'vue'
import { slashQuery } from './placeholders'

/**
 * When the picker is open and how its choice lands in the message box:
 * - `openFromButton()`: the chosen text is inserted at the caret (`insert`);
 * - typing "/" (plus a shortcut) as the whole message opens it with that query, and the choice
 *   replaces the "/…". Closed without a choice, it stays closed until the message no longer
 *   starts a slash command, so a message that begins with "/" can still be written.
 */
export function useCannedPicker(text: Ref<string>) {
  const open = ref(false)
  const query = ref('')
  let viaSlash = false
  let dismissed = false

  watch(text, (value) => {
    const q = slashQuery(value)
    if (q === null) {
      dismissed = false
      return
    }
    if (open.value || dismissed) return
    query.value = q
    viaSlash = true
    open.value = true
  })

  function openFromButton() {
    query.value = ''
    viaSlash = false
    open.value = true
  }

  /** Puts the chosen text in the box: replacing the slash command, or at the caret. */
  function choose(chosen: string, insert: (value: string) => void) {
    open.value = false
    if (viaSlash && slashQuery(text.value) !== null) text.value = chosen
    else insert(chosen)
  }

  function close() {
    open.value = false
    if (viaSlash) dismissed = true
  }

  return { open, query, openFromButton, choose, close }
}
