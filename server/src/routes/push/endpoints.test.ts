// Issue 10, point 7: the server connects only to known push services' public addresses.
// A plain TCP listener on loopback stands for "somewhere inside": any connection it sees is the
// server reaching where it must not.
import { randomUUID, createECDH, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgent, signIn, startChat, startTestServer, type Client, type TestServer } from '../../test/helpers.js'

const keys = () => ({ p256dh: createECDH('prime256v1').generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') })

describe('push endpoints: where the server may connect', () => {
  let s: TestServer
  let inside: Server
  let port = 0
  let connections = 0
  let agent: Client
  let agentId = ''

  beforeAll(async () => {
    inside = createServer((sock) => {
      connections++
      sock.destroy()
    })
    await new Promise<void>((r) => inside.listen(0, '127.0.0.1', () => r()))
    const addr = inside.address()
    port = typeof addr === 'object' && addr ? addr.port : 0
    // `localhost` allowed by name (an admin's mistake, or a DNS answer that points inside):
    // only the address check at send time stands between the server and loopback.
    s = await startTestServer({ env: { PUSH_SERVICE_HOSTS: 'default,localhost' } })
    agentId = await createAgent(s, 'pia', { queues: ['support'] })
    agent = await signIn(s.url, 'pia', 'secret-pass')
  })
  afterAll(async () => {
    await s.close()
    inside.close()
  })

  const subscribe = (endpoint: string) => agent.req('POST', '/api/push/devices', { name: 'Phone', subscription: { endpoint, keys: keys() } })

  it('registration refuses IP literals in every spelling, other hosts, credentials and http, with a 400 JSON error', async () => {
    const refused = [
      'https://127.0.0.1/push/a', 'https://2130706433/push/a', 'https://0x7f.0.0.1/push/a', 'https://0177.0.0.1/push/a',
      'https://127.1/push/a', 'https://[::1]/push/a', 'https://[::ffff:127.0.0.1]/push/a', 'https://[fe80::1]/push/a',
      'https://10.0.0.7/push/a', 'https://169.254.169.254/latest/meta-data', 'https://192.168.1.1/push/a', 'https://8.8.8.8/push/a',
      'https://evil.example/push/a', 'https://fcm.googleapis.com.evil.example/push/a', 'https://notfcm.googleapis.com/push/a',
      'https://push.services.mozilla.com.evil.example/x', 'https://push.apple.com@evil.example/x', 'https://user:pw@fcm.googleapis.com/fcm/send/a',
      'http://fcm.googleapis.com/fcm/send/a',
    ]
    for (const endpoint of refused) {
      const res = await subscribe(endpoint)
      expect(res.status, endpoint).toBe(400)
      expect(res.body.error.code, endpoint).toMatch(/^(push_endpoint_refused|bad_request)$/)
      expect(res.body.error.message, endpoint).toBeTruthy()
    }
    expect((await subscribe('https://evil.example/push/a')).body.error).toEqual({
      code: 'push_endpoint_refused',
      message: 'evil.example is not a known push service (this server allows: fcm.googleapis.com, *.push.services.mozilla.com, *.notify.windows.com, web.push.apple.com, *.push.apple.com, localhost)',
    })
    expect((await subscribe('https://[::1]/push/a')).body.error.message).toBe('The push endpoint must be a push service name, not an IP address')
    expect((await agent.req('GET', '/api/push/devices')).body.devices).toEqual([])
  })

  it('registration accepts the endpoints browsers get from their push services', async () => {
    for (const endpoint of [
      `https://fcm.googleapis.com/fcm/send/${randomUUID()}`, `https://updates.push.services.mozilla.com/wpush/v2/${randomUUID()}`,
      `https://web.push.apple.com/${randomUUID()}`, `https://wns2-by3p.notify.windows.com/w/?token=${randomUUID()}`,
    ]) {
      const res = await subscribe(endpoint)
      expect(res.status, endpoint).toBe(201)
      expect((await agent.req('DELETE', `/api/push/devices/${res.body.device.id}`)).status).toBe(204)
    }
  })

  it('at send time a name that resolves to loopback is refused without connecting, and the test push does not retry', async () => {
    const made = await subscribe(`https://localhost:${port}/push/${randomUUID()}`)
    expect(made.status).toBe(201)
    const started = Date.now()
    const test = await agent.req('POST', '/api/push/test')
    expect(test.status).toBe(200)
    // Retries would wait 1 s, 5 s and 25 s: a refusal answers at once.
    expect(Date.now() - started).toBeLessThan(1000)

    // A customer message in a chat Pia handles: no push leaves either.
    const chat = await startChat(s.url)
    expect((await agent.req('POST', `/api/conversations/${chat.id}/pick`)).status).toBe(200)
    await chat.customer.req('POST', '/api/public/conversation/messages', { clientId: randomUUID(), text: 'my card number is …' })
    await s.push.idle()
    expect(connections).toBe(0)
    // The device stays listed (an admin may change the allow-list); nothing was sent to it.
    const [device] = (await agent.req('GET', '/api/push/devices')).body.devices
    expect(device.lastPushAt).toBeNull()
    await agent.req('DELETE', `/api/push/devices/${device.id}`)
  })

  it('a stored endpoint at an IP literal (saved before the rule) gets nothing at send time', async () => {
    await s.ctx.db.insertInto('push_devices').values({
      id: randomUUID(), user_id: agentId, name: 'Old', endpoint: `https://127.0.0.1:${port}/push/old`, ...keys(), session_id: null,
      blocked: 0, viewing_conversation_id: null, created_at: Date.now(), last_push_at: null,
    }).execute()
    const started = Date.now()
    expect((await agent.req('POST', '/api/push/test')).status).toBe(200)
    expect(Date.now() - started).toBeLessThan(1000)
    await s.push.idle()
    expect(connections).toBe(0)
  })
})
