/**
 * Errors as the user reads them, in the interface language. The server words its errors in
 * English (`{error:{code,message}}`); the kernel's ApiError keeps that message. Here:
 * - no answer (offline, timeout) → `errors.network`;
 * - a code with its own message in `errors.code.*` → that message in the active language, except in
 *   English, where the server's own sentence (which may name things) is shown as it is;
 * - 413 / 429 / 5xx without a server message → `errors.tooBig` / `errors.tooMany` / `errors.server`;
 * - anything else → the server's message in English, else `fallback` (already translated by the caller).
 */
import { isApiError } from '@/kernel/http/errors'
import { i18n } from './index'

/** The code has its own message in `errors.code` (in any locale file: they all have en.json's keys). */
function hasCodeMessage(code: string): boolean {
  const codes = (i18n.global.getLocaleMessage(i18n.global.locale.value) as { errors?: { code?: Record<string, unknown> } }).errors?.code
  return !!codes && Object.hasOwn(codes, code)
}

/** A message fit for the user, whatever was thrown; `fallback` defaults to `errors.generic`. */
export function errorText(e: unknown, fallback?: string): string {
  const t = i18n.global.t
  const generic = fallback ?? t('errors.generic')
  if (!isApiError(e)) return generic
  if (e.isNetwork) {
    if (e.code === 'offline_nothing_changed') return t('errors.offlineNothingChanged')
    return e.code === 'aborted' ? generic : t('errors.network')
  }
  const english = i18n.global.locale.value === 'en'
  if (!(english && e.message) && hasCodeMessage(e.code)) return t(`errors.code.${e.code}` as 'errors.code.not_found')
  if (e.code.startsWith('http_')) {
    if (e.status === 413) return t('errors.tooBig')
    if (e.status === 429) return t('errors.tooMany')
    if (e.status >= 500) return t('errors.server')
    return generic
  }
  return english && e.message ? e.message : generic
}
