// HEIC (issue 12, point 2): what decoding a 12-megapixel HEIC photo does to everyone else. The
// photo is made by the bench: a noisy 4000 × 3000 picture (sharp) encoded by libheif's heif-enc
// (Debian: apt-get install libheif-examples); without heif-enc these rows say so.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { fmt, nowMs, percentile, sleep } from './lib/stats.js'
import type { Row } from './lib/table.js'

export const HEIC = { width: 4000, height: 3000, concurrent: 4 }

/** A 12 MP HEIC photo (cached in the temp directory between runs), or why there is none. */
export async function makeHeic(): Promise<Buffer | string> {
  const cached = join(tmpdir(), `parley-bench-${HEIC.width}x${HEIC.height}.heic`)
  if (existsSync(cached)) return readFileSync(cached)
  const dir = mkdtempSync(join(tmpdir(), 'parley-heic-'))
  try {
    const jpg = join(dir, 'photo.jpg')
    // Noise on a gradient: detail a camera photo has, so the decoder works as hard as on one.
    const gradient = Buffer.alloc(HEIC.width * HEIC.height * 3)
    for (let y = 0; y < HEIC.height; y++) {
      for (let x = 0; x < HEIC.width; x++) {
        const i = (y * HEIC.width + x) * 3
        gradient[i] = (x * 255) / HEIC.width
        gradient[i + 1] = (y * 255) / HEIC.height
        gradient[i + 2] = ((x + y) * 97) % 256
      }
    }
    const noise = await sharp({ create: { width: HEIC.width, height: HEIC.height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).raw().toBuffer()
    for (let i = 0; i < gradient.length; i++) gradient[i] = (gradient[i]! + noise[i]!) >> 1
    await sharp(gradient, { raw: { width: HEIC.width, height: HEIC.height, channels: 3 } }).jpeg({ quality: 90 }).toFile(jpg)
    try {
      execFileSync('heif-enc', ['-q', '60', jpg, '-o', cached], { stdio: 'ignore', timeout: 120_000 })
    } catch {
      return 'no heif-enc to make the photo (apt-get install libheif-examples)'
    }
    return readFileSync(cached)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Uploads the photo as the customer of `token`; resolves with the status (0: no answer within
 * 120 s, or the connection failed) and the time taken (ms). Never rejects.
 */
export async function uploadPhoto(url: string, token: string, photo: Buffer): Promise<{ status: number; ms: number }> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(photo)]), 'IMG_0001.HEIC')
  const t0 = nowMs()
  try {
    const res = await fetch(`${url}/api/public/conversation/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form, signal: AbortSignal.timeout(120_000) })
    await res.arrayBuffer()
    return { status: res.status, ms: nowMs() - t0 }
  } catch {
    return { status: 0, ms: nowMs() - t0 }
  }
}

export interface HealthDuringHeic {
  idleP50: number
  idleMax: number
  /** The slowest /api/health answer while the upload was being decoded. */
  duringMax: number
  duringP50: number
  uploadMs: number
  status: number
}

/** /api/health polled back to back (idle for 1 s, then during one photo upload): its latencies. */
export async function healthDuringHeic(url: string, token: string, photo: Buffer): Promise<HealthDuringHeic> {
  const probe = async () => {
    const t0 = nowMs()
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(30_000) })
    await res.arrayBuffer()
    return nowMs() - t0
  }
  const idle: number[] = []
  const tIdle = nowMs()
  while (nowMs() - tIdle < 1000) { idle.push(await probe()); await sleep(5) }
  const during: number[] = []
  let done = false
  const upload = uploadPhoto(url, token, photo).finally(() => { done = true })
  while (!done) { during.push(await probe()); await sleep(5) }
  const up = await upload
  const sorted = (a: number[]) => [...a].sort((x, y) => x - y)
  return {
    idleP50: percentile(sorted(idle), 50), idleMax: Math.max(...idle),
    duringP50: percentile(sorted(during), 50), duringMax: Math.max(...during), uploadMs: up.ms, status: up.status,
  }
}

export function heicHealthRows(db: string, r: HealthDuringHeic | string): Row[] {
  const bench = `HEIC decode, one ${HEIC.width * HEIC.height / 1e6} MP photo`
  if (typeof r === 'string') return [{ bench, db, metric: 'slowest /api/health during the upload', value: r, reference: '', refValue: '', compare: '', budget: '' }]
  const note = r.status === 201 ? '' : ` (upload answered ${r.status})`
  return [{
    bench, db, metric: 'slowest /api/health during the upload', value: fmt.ms(r.duringMax) + note,
    reference: 'slowest /api/health idle', refValue: fmt.ms(r.idleMax), compare: `+${fmt.ms(r.duringMax - r.idleMax)}`,
    budget: `upload took ${fmt.ms(r.uploadMs)}`, raw: { ...r },
  }]
}

export function heicDeliveryRows(db: string, p99With: number, p99Without: number, uploads: { status: number; ms: number }[], notes: string): Row[] {
  const grew = p99With - p99Without
  const statuses = uploads.map((u) => u.status).join(', ')
  return [{
    bench: `HEIC during delivery: ${HEIC.concurrent} × ${HEIC.width * HEIC.height / 1e6} MP uploads at once`, db, metric: 'delivery p99 (same layout as the split delivery row)',
    value: fmt.ms(p99With) + notes, reference: 'same run without uploads', refValue: fmt.ms(p99Without),
    compare: `${grew >= 0 ? '+' : '−'}${fmt.ms(Math.abs(grew))}`, budget: `≤ +50 ms: ${grew <= 50 ? 'pass' : 'FAIL'} (uploads: ${statuses})`,
    raw: { p99With, p99Without, uploads },
  }]
}
