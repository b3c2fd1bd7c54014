import { onBeforeUnmount, onMounted } from 'vue'

function carriesFiles(e: DragEvent): boolean {
  return [...(e.dataTransfer?.types ?? [])].includes('Files')
}

function guard(e: DragEvent) {
  // A file dropped where nothing takes it would make the browser open it and leave the app.
  if (!carriesFiles(e) || e.defaultPrevented) return
  e.preventDefault()
  if (e.dataTransfer && e.type === 'dragover') e.dataTransfer.dropEffect = 'none'
}

/**
 * While the app is mounted, a file dragged over or dropped anywhere that doesn't take files is
 * ignored (the browser would otherwise navigate to it). Text drags keep their default.
 */
export function useDropGuard() {
  onMounted(() => {
    window.addEventListener('dragover', guard)
    window.addEventListener('drop', guard)
  })
  onBeforeUnmount(() => {
    window.removeEventListener('dragover', guard)
    window.removeEventListener('drop', guard)
  })
}
