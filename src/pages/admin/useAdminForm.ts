import { nextTick, ref, type Ref } from 'vue'
import { toAdminError } from './adminApi'
import { i18n } from '@/shared/i18n'
import { fieldLabel, type FieldError } from './adminValidation'

/**
 * A form's submit state (the form is the AdminFormCard in `card`): busy flag and errors (client-side or from the server). Errors name their
 * field; the first invalid field gets focus.
 */
export function useAdminForm(card: Readonly<Ref<{ $el: unknown } | null>>) {
  const formEl = () => (card.value?.$el as HTMLFormElement | undefined) ?? null
  const busy = ref(false)
  const errors = ref<FieldError[]>([])

  const invalid = (field: string) => errors.value.some((e) => e.field === field)
  /** An error as the summary lists it: "<field label>: <message>" (in the active language). */
  const describe = (e: FieldError) => {
    const label = e.field ? fieldLabel(e.field) : undefined
    return label ? i18n.global.t('admin.fieldError', { field: label, message: e.message }) : e.message
  }

  async function focusFirstInvalid() {
    await nextTick()
    formEl()?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }

  /** Runs validate(); if clean, runs save() and reports server errors. Resolves true on success. */
  async function submit(validate: () => FieldError[], save: () => Promise<void>): Promise<boolean> {
    if (busy.value) return false
    errors.value = validate()
    if (errors.value.length) {
      await focusFirstInvalid()
      return false
    }
    busy.value = true
    try {
      await save()
      return true
    } catch (err) {
      const e = await toAdminError(err)
      errors.value = [{ field: e.field ?? '', message: e.message }]
      await focusFirstInvalid()
      return false
    } finally {
      busy.value = false
    }
  }

  return { busy, errors, invalid, describe, submit }
}
