// File sizes in the active interface language: see src/shared/i18n/format.ts (kept as the old import path).
export { formatBytes } from '@/shared/i18n/numbers'
