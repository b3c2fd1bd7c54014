// Runs in a worker thread of the image pool (services/imagePool.ts), never on the event loop: the
// decoding of an uploaded image (HEIC is decoded in JavaScript/WebAssembly and would stop the whole
// process for seconds), its size, and its thumbnail.
import { readFile } from 'node:fs/promises'

/** One uploaded image to render: the temporary file, whether it is HEIC/HEIF, the thumbnail's box (px). */
export interface ImageJob {
  path: string
  heic: boolean
  thumbPx: number
}

/**
 * The renderings of an image: its displayed size (px, EXIF orientation applied), a JPEG thumbnail
 * that fits `thumbPx`, and for HEIC a JPEG of the whole picture (browsers can't show HEIC).
 * `ok: false` when the bytes are not a readable image.
 */
export type ImageResult =
  | { ok: true; width: number | null; height: number | null; thumb: Uint8Array; preview: Uint8Array | null }
  | { ok: false }

/** The worker's task (piscina calls the default export). */
export default async function renderImage(job: ImageJob): Promise<ImageResult> {
  const { default: sharp } = await import('sharp')
  let source: Buffer | string = job.path
  let preview: Buffer | null = null
  try {
    if (job.heic) {
      const { default: convert } = await import('heic-convert')
      preview = Buffer.from(await convert({ buffer: await readFile(job.path), format: 'JPEG', quality: 0.85 }))
      source = preview
    }
    const img = sharp(source, { animated: false })
    const meta = await img.metadata()
    const thumb = await img.rotate().resize(job.thumbPx, job.thumbPx, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer()
    return {
      ok: true,
      width: meta.autoOrient?.width ?? meta.width ?? null,
      height: meta.autoOrient?.height ?? meta.height ?? null,
      thumb,
      preview,
    }
  } catch {
    return { ok: false }
  }
}
