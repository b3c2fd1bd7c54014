import { open, type FileHandle } from 'node:fs/promises'

/**
 * The playing time of a stored video, in seconds, as its container states it (issue 10, point 9):
 * the longest of what music-metadata reads (Segment Info Duration in WebM/Matroska, audio tracks
 * and their fragments in MP4) and what the container's own timing says where that can be missing
 * or understated: the last block timestamp of WebM clusters (MediaRecorder writes live WebM
 * without a Duration), and the movie/fragment header durations of MP4 (ISO/IEC 14496-12 mvhd, mehd).
 * Undefined when nothing in the file states a duration.
 *
 * Reads the file with small positioned reads (a 64 KiB window), so memory stays small and the
 * event loop is only held for the parsing of each window.
 */
export async function videoDurationSeconds(path: string, ext: string): Promise<number | undefined> {
  const found: number[] = []
  try {
    // Loaded on the first recorded video, not at start (issue 12).
    const { parseFile } = await import('music-metadata')
    const meta = await parseFile(path, { duration: true, skipCovers: true })
    if (Number.isFinite(meta.format.duration)) found.push(meta.format.duration!)
  } catch {
    // A container music-metadata can't read: the scans below decide.
  }
  const file = await open(path, 'r')
  try {
    const reader = await windowReader(file)
    const scanned = ext === 'webm' || ext === 'mkv' ? await webmDuration(reader) : await mp4Duration(reader)
    if (scanned !== undefined && Number.isFinite(scanned)) found.push(scanned)
  } finally {
    await file.close()
  }
  return found.length ? Math.max(...found) : undefined
}

interface Reader {
  size: number
  /** Up to `n` bytes at `pos` (fewer at the end of the file). */
  bytes(pos: number, n: number): Promise<Buffer>
}

const WINDOW = 64 * 1024

async function windowReader(file: FileHandle): Promise<Reader> {
  const { size } = await file.stat()
  let start = -1
  let buf = Buffer.alloc(0)
  return {
    size,
    async bytes(pos, n) {
      if (pos < 0 || pos >= size) return Buffer.alloc(0)
      if (start < 0 || pos < start || pos + n > start + buf.length) {
        const want = Math.max(n, WINDOW)
        const b = Buffer.alloc(Math.min(want, size - pos))
        const { bytesRead } = await file.read(b, 0, b.length, pos)
        buf = b.subarray(0, bytesRead)
        start = pos
      }
      return buf.subarray(pos - start, pos - start + n)
    },
  }
}

// ---- WebM / Matroska (EBML, RFC 8794; Matroska, RFC 9559) ----

const SEGMENT = 0x18538067
const INFO = 0x1549a966
const TIMESTAMP_SCALE = 0x2ad7b1
const CLUSTER = 0x1f43b675
const CLUSTER_TIMESTAMP = 0xe7
const SIMPLE_BLOCK = 0xa3
const BLOCK_GROUP = 0xa0
const BLOCK = 0xa1
/** Top-level elements of a Segment: one of them ends a Cluster of unknown size. */
const LEVEL1 = new Set([0x114d9b74, INFO, 0x1654ae6b, CLUSTER, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367])

interface Head { id: number; size: number | null; data: number }

/** An element header at `pos`: its id, its data size (null: unknown size) and where its data starts. */
async function head(r: Reader, pos: number): Promise<Head | undefined> {
  const b = await r.bytes(pos, 12)
  if (b.length < 2) return undefined
  const idLen = Math.clz32(b[0]!) - 23
  if (idLen < 1 || idLen > 4 || b.length < idLen + 1) return undefined
  let id = 0
  for (let i = 0; i < idLen; i++) id = id * 256 + b[i]!
  const first = b[idLen]!
  const sizeLen = Math.clz32(first) - 23
  if (sizeLen < 1 || sizeLen > 8 || b.length < idLen + sizeLen) return undefined
  let size = first & (0xff >> sizeLen)
  let allOnes = size === 0xff >> sizeLen
  for (let i = 1; i < sizeLen; i++) {
    const v = b[idLen + i]!
    size = size * 256 + v
    allOnes &&= v === 0xff
  }
  return { id, size: allOnes ? null : size, data: pos + idLen + sizeLen }
}

async function uint(r: Reader, pos: number, size: number): Promise<number> {
  const b = await r.bytes(pos, Math.min(size, 8))
  let v = 0
  for (const x of b) v = v * 256 + x
  return v
}

/** A block's timestamp relative to its cluster (after the track number vint). */
async function blockOffset(r: Reader, data: number): Promise<number | undefined> {
  const b = await r.bytes(data, 11)
  const trackLen = b.length ? Math.clz32(b[0]!) - 23 : 0
  if (trackLen < 1 || trackLen > 8 || b.length < trackLen + 2) return undefined
  return b.readInt16BE(trackLen)
}

/** Seconds from the Segment's start to its last block, by the cluster and block timestamps. */
async function webmDuration(r: Reader): Promise<number | undefined> {
  let pos = 0
  let scale = 1_000_000 // ns per timestamp tick (the Matroska default)
  let last: number | undefined
  let segmentEnd = r.size
  let steps = 0
  while (pos < segmentEnd && steps++ < 10_000_000) {
    const h = await head(r, pos)
    if (!h) break
    if (h.id === SEGMENT) {
      segmentEnd = h.size === null ? r.size : Math.min(r.size, h.data + h.size)
      pos = h.data
      continue
    }
    if (h.id === INFO && h.size !== null) {
      for (let p = h.data; p < h.data + h.size;) {
        const c = await head(r, p)
        if (!c || c.size === null) break
        if (c.id === TIMESTAMP_SCALE) scale = (await uint(r, c.data, c.size)) || scale
        p = c.data + c.size
      }
    }
    if (h.id === CLUSTER) {
      const end = h.size === null ? segmentEnd : Math.min(segmentEnd, h.data + h.size)
      let clusterTime = 0
      let p = h.data
      while (p < end && steps++ < 10_000_000) {
        const c = await head(r, p)
        if (!c || c.size === null || (h.size === null && LEVEL1.has(c.id))) break
        if (c.id === CLUSTER_TIMESTAMP) clusterTime = await uint(r, c.data, c.size)
        let offset: number | undefined
        if (c.id === SIMPLE_BLOCK) offset = await blockOffset(r, c.data)
        if (c.id === BLOCK_GROUP) {
          for (let q = c.data; q < c.data + c.size;) {
            const g = await head(r, q)
            if (!g || g.size === null) break
            if (g.id === BLOCK) offset = await blockOffset(r, g.data)
            q = g.data + g.size
          }
        }
        if (offset !== undefined) last = Math.max(last ?? 0, clusterTime + offset)
        p = c.data + c.size
      }
      pos = p
      continue
    }
    if (h.size === null) break
    pos = h.data + h.size
  }
  return last === undefined ? undefined : (last * scale) / 1e9
}

// ---- MP4 / QuickTime (ISO/IEC 14496-12) ----

/** The longest of the movie header's (mvhd) and the fragments header's (mehd) durations, in seconds. */
async function mp4Duration(r: Reader): Promise<number | undefined> {
  let timescale = 0
  let longest: number | undefined
  const walk = async (from: number, to: number, depth: number): Promise<void> => {
    for (let pos = from; pos + 8 <= to && depth < 4;) {
      const b = await r.bytes(pos, 16)
      if (b.length < 8) return
      let size = b.readUInt32BE(0)
      const type = b.toString('latin1', 4, 8)
      let header = 8
      if (size === 1) {
        if (b.length < 16) return
        size = Number(b.readBigUInt64BE(8))
        header = 16
      } else if (size === 0) size = to - pos
      if (size < header) return
      if (type === 'moov' || type === 'mvex') await walk(pos + header, Math.min(to, pos + size), depth + 1)
      if (type === 'mvhd' || type === 'mehd') {
        const d = await r.bytes(pos + header, 32)
        const v1 = d[0] === 1
        if (type === 'mvhd' && d.length >= (v1 ? 32 : 20)) {
          timescale = d.readUInt32BE(v1 ? 20 : 12)
          const duration = v1 ? Number(d.readBigUInt64BE(24)) : d.readUInt32BE(16)
          // 0 (and all ones) mean "not stated here", as fragmented recordings write it.
          if (timescale && duration > 0 && duration !== 0xffffffff) longest = Math.max(longest ?? 0, duration / timescale)
        }
        if (type === 'mehd' && timescale && d.length >= (v1 ? 12 : 8)) {
          const duration = v1 ? Number(d.readBigUInt64BE(4)) : d.readUInt32BE(4)
          if (duration > 0) longest = Math.max(longest ?? 0, duration / timescale)
        }
      }
      pos += size
    }
  }
  await walk(0, r.size, 0)
  return longest
}
