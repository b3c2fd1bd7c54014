export type ActionKind = 'customer' | 'details' | 'history' | 'notes' | 'transfer' | 'end'

/** The guide's words, used as menu items and as the dialogs' names. */
export const ACTION_LABELS: Record<ActionKind, string> = {
  customer: 'Customer details',
  details: 'Conversation details',
  history: 'Conversation history',
  notes: 'Internal notes',
  transfer: 'Transfer',
  end: 'End chat',
}

/** Transfer and End chat only when I have picked the conversation. */
export function menuActions(pickedByMe: boolean): ActionKind[] {
  const base: ActionKind[] = ['customer', 'details', 'history', 'notes']
  return pickedByMe ? [...base, 'transfer', 'end'] : base
}
