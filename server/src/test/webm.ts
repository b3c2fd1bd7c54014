// WebM files built byte by byte for tests (EBML, RFC 8794; Matroska, RFC 9559): what
// MediaRecorder writes (live: unknown sizes, no Duration) and what a muxer writes (Duration set).

/** An EBML element: its id bytes, an 8-byte size (or "unknown"), its data. */
function el(id: number, data: Buffer, unknownSize = false): Buffer {
  const idBytes = Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'), 'hex')
  const size = Buffer.alloc(8)
  if (unknownSize) size.fill(0xff)
  else size.writeBigUInt64BE(BigInt(data.length))
  size[0] = 0x01 // 8-byte vint marker (keeps the high bits: sizes < 2^56)
  return Buffer.concat([idBytes, size, data])
}
const uint = (n: number, bytes = 4) => {
  const b = Buffer.alloc(bytes)
  b.writeUIntBE(n, 0, bytes)
  return b
}
const str = (s: string) => Buffer.from(s, 'latin1')
const float = (n: number) => {
  const b = Buffer.alloc(8)
  b.writeDoubleBE(n)
  return b
}

export interface WebmOptions {
  /** Seconds of frames in the clusters (one cluster per second, one frame each, and one at the end). */
  seconds: number
  /** The Duration the Segment Info states, in seconds; omitted: none (as MediaRecorder writes). */
  statedSeconds?: number
  /** Unknown-size Segment and Clusters, as a live MediaRecorder stream. */
  live?: boolean
}

export function webmFile(o: WebmOptions): Buffer {
  const header = el(0x1a45dfa3, Buffer.concat([
    el(0x4286, uint(1, 1)), el(0x42f7, uint(1, 1)), el(0x42f2, uint(4, 1)), el(0x42f3, uint(8, 1)),
    el(0x4282, str('webm')), el(0x4287, uint(4, 1)), el(0x4285, uint(2, 1)),
  ]))
  const info = el(0x1549a966, Buffer.concat([
    el(0x2ad7b1, uint(1_000_000, 3)),
    ...(o.statedSeconds !== undefined ? [el(0x4489, float(o.statedSeconds * 1000))] : []),
    el(0x4d80, str('parley-test')), el(0x5741, str('parley-test')),
  ]))
  const tracks = el(0x1654ae6b, el(0xae, Buffer.concat([
    el(0xd7, uint(1, 1)), el(0x73c5, uint(1, 1)), el(0x83, uint(1, 1)), el(0x86, str('V_VP8')),
    el(0xe0, Buffer.concat([el(0xb0, uint(2, 2)), el(0xba, uint(2, 2))])),
  ])))
  const clusters: Buffer[] = []
  const whole = Math.floor(o.seconds)
  for (let s = 0; s <= whole; s++) {
    // A SimpleBlock: track 1 (vint 0x81), relative timestamp, keyframe flag, a few payload bytes.
    const rel = s === whole ? Math.round((o.seconds - whole) * 1000) : 0
    const block = Buffer.concat([Buffer.from([0x81]), (() => { const b = Buffer.alloc(2); b.writeInt16BE(rel); return b })(), Buffer.from([0x80, 1, 2, 3, 4])])
    clusters.push(el(0x1f43b675, Buffer.concat([el(0xe7, uint(s * 1000, 4)), el(0xa3, block)]), o.live))
  }
  return Buffer.concat([header, el(0x18538067, Buffer.concat([info, tracks, ...clusters]), o.live)])
}
