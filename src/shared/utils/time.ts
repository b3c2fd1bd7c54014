const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function formatTime(ms: number): string {
  return timeFmt.format(ms)
}

/** Time today, otherwise the day ("3 Mar"). */
export function formatListTime(ms: number, now = Date.now()): string {
  const d = new Date(ms)
  const today = new Date(now)
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate()
  return sameDay ? timeFmt.format(d) : dayFmt.format(d)
}

export function formatFull(ms: number): string {
  return fullFmt.format(ms)
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}
