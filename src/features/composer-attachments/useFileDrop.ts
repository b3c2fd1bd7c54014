import { ref } from 'vue'

function carriesFiles(e: DragEvent): boolean {
  return [...(e.dataTransfer?.types ?? [])].includes('Files')
}

/**
 * A drop zone for files (the open conversation): `dragging` while files are held over it; a drop
 * hands the files to `onFiles` (which checks them against the rules). Text drags are left alone.
 */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const dragging = ref(false)
  let depth = 0

  function onDragenter(e: DragEvent) {
    if (!carriesFiles(e)) return
    e.preventDefault()
    depth++
    dragging.value = true
  }

  function onDragover(e: DragEvent) {
    if (!carriesFiles(e)) return
    e.preventDefault()
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
  }

  function onDragleave(e: DragEvent) {
    if (!carriesFiles(e)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) dragging.value = false
  }

  function onDrop(e: DragEvent) {
    if (!carriesFiles(e)) return
    e.preventDefault()
    depth = 0
    dragging.value = false
    const files = [...(e.dataTransfer?.files ?? [])]
    if (files.length) onFiles(files)
  }

  return { dragging, onDragenter, onDragover, onDragleave, onDrop }
}
