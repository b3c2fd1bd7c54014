// A local push service for the server tests: an HTTPS server on loopback with a throwaway
// certificate (openssl), recording what web-push sends, and browser-like subscriptions whose
// payloads the tests decrypt (RFC 8291 aes128gcm) with their own keys.
import { execFileSync } from 'node:child_process'
import { createECDH, randomBytes, randomUUID, type ECDH } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, createServer } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decrypt } from 'http_ece'
import { afterAll, beforeAll } from 'vitest'
import type { PushPayload } from '../api-types.js'
import { withServer, type Client, type TestServer } from './helpers.js'

export interface Received { path: string; headers: Record<string, string | string[] | undefined>; body: Buffer }

export interface FakeSubscription {
  ecdh: ECDH
  auth: Buffer
  /** The endpoint's path on the fake service. */
  path: string
  /** As PushSubscription.toJSON() gives it: what the app registers. */
  json: { endpoint: string; keys: { p256dh: string; auth: string } }
  /** A received push's payload, decrypted and parsed. */
  decrypt(r: Received): PushPayload
  /** Every payload this subscription got so far, decrypted and parsed. */
  payloads(): PushPayload[]
}

export interface FakePushService {
  /** https://127.0.0.1:<port> — pass with `agent` as buildApp's testPushService. */
  origin: string
  agent: Agent
  received: Received[]
  /** path → status to answer once (e.g. 410 Gone), then 201 again. */
  answerOnce: Map<string, number>
  subscription(): FakeSubscription
  close(): Promise<void>
}

export async function startFakePushService(): Promise<FakePushService> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-push-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'),
    '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  const cert = readFileSync(join(dir, 'cert.pem'))
  const received: Received[] = []
  const answerOnce = new Map<string, number>()
  const service = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) })
      const status = answerOnce.get(req.url ?? '')
      answerOnce.delete(req.url ?? '')
      res.writeHead(status ?? 201).end()
    })
  })
  rmSync(dir, { recursive: true, force: true })
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', () => r()))
  const addr = service.address()
  const origin = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`

  function subscription(): FakeSubscription {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    const auth = randomBytes(16)
    const path = `/push/${randomUUID()}`
    const open = (r: Received): PushPayload => JSON.parse(decrypt(r.body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString('utf8'))
    return {
      ecdh, auth, path,
      json: { endpoint: origin + path, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
      decrypt: open,
      payloads: () => received.filter((r) => r.path === path).map(open),
    }
  }

  return {
    origin, agent: new Agent({ ca: cert }), received, answerOnce, subscription,
    close: () => new Promise<void>((r) => service.close(() => r())),
  }
}

/** withServer with a fake push service that the server may send to (started first, closed after). */
export function withPushServer(ready: (s: TestServer, admin: Client, fake: FakePushService) => void): void {
  let fake: FakePushService | undefined
  beforeAll(async () => { fake = await startFakePushService() })
  withServer((s, admin) => ready(s, admin, fake!), () => ({ testPushService: { origin: fake!.origin, agent: fake!.agent } }))
  afterAll(async () => { await fake?.close() })
}
