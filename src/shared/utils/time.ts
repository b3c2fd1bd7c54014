// Times in the active interface language: see src/shared/i18n/format.ts (kept as the old import path).
export { formatTime, formatListTime, formatFull, isoTime } from '@/shared/i18n/format'
