/** Only same-app paths are followed after sign-in. */
export function safeRedirect(value: unknown): string {
  const s = typeof value === 'string' ? value : ''
  return s.startsWith('/') && !s.startsWith('//') && !s.startsWith('/login') ? s : '/conversations'
}
