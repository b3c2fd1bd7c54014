import { i18n } from '@/shared/i18n'

export type ActionKind = 'customer' | 'details' | 'history' | 'notes' | 'transfer' | 'end'

export const ACTION_KINDS: readonly ActionKind[] = ['customer', 'details', 'history', 'notes', 'transfer', 'end']

/** The guide's words (actions.menu.*), used as menu items and as the dialogs' names, in the interface language. */
export const actionLabel = (kind: ActionKind): string => i18n.global.t(`actions.menu.${kind}`)

/** Transfer and End chat only when I have picked the conversation. */
export function menuActions(pickedByMe: boolean): ActionKind[] {
  const base: ActionKind[] = ['customer', 'details', 'history', 'notes']
  return pickedByMe ? [...base, 'transfer', 'end'] : base
}
