import type { LookupAddress } from 'node:dns'
import { describe, expect, it } from 'vitest'
import { checkPushEndpoint, DEFAULT_PUSH_SERVICE_HOSTS, guardedLookup, isSpecialUseAddress, parsePushServiceHosts } from './pushEndpoint.js'

describe('push endpoint rules', () => {
  it('PUSH_SERVICE_HOSTS: default list, `default` expands, patterns checked', () => {
    expect(parsePushServiceHosts(undefined)).toEqual(DEFAULT_PUSH_SERVICE_HOSTS)
    expect(parsePushServiceHosts(' ')).toEqual(DEFAULT_PUSH_SERVICE_HOSTS)
    expect(parsePushServiceHosts('default, Push.Example.org.')).toEqual([...DEFAULT_PUSH_SERVICE_HOSTS, 'push.example.org'])
    expect(parsePushServiceHosts('*.push.example.org')).toEqual(['*.push.example.org'])
    for (const bad of ['*', '*.com', '10.0.0.1', '*.10.0.0', '[::1]', 'a b', 'https://x.example', '2130706433']) {
      expect(() => parsePushServiceHosts(bad), bad).toThrow(/PUSH_SERVICE_HOSTS/)
    }
  })

  it('a wildcard covers subdomains, never the apex or look-alikes', () => {
    const hosts = ['*.push.apple.com', 'fcm.googleapis.com']
    expect(checkPushEndpoint('https://api.push.apple.com/x', hosts).hostname).toBe('api.push.apple.com')
    expect(checkPushEndpoint('https://FCM.googleapis.com./fcm/send/x', hosts).hostname).toBe('fcm.googleapis.com.')
    for (const url of ['https://push.apple.com/x', 'https://evilpush.apple.com/x', 'https://push.apple.com.evil.example/x', 'https://x.fcm.googleapis.com/']) {
      expect(() => checkPushEndpoint(url, hosts), url).toThrow(/not a known push service/)
    }
  })

  it('special-use addresses: loopback, private, link-local, CGN, mapped and embedded IPv4, multicast; public ones pass', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
      '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:a00:1::1', 'ff02::1', 'not-an-ip']) {
      expect(isSpecialUseAddress(a), a).toBe(true)
    }
    for (const a of ['142.250.74.10', '2a00:1450:4001:82b::200a', '17.57.146.20', '8.8.8.8']) expect(isSpecialUseAddress(a), a).toBe(false)
  })

  it('the connection lookup refuses an answer with any special-use address and hands over exactly what it checked', async () => {
    const answer = (addresses: LookupAddress[]) => (_h: string, _o: unknown, cb: (e: null, a: LookupAddress[]) => void) => cb(null, addresses)
    const run = (addresses: LookupAddress[], all: boolean) => new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number | undefined }>((resolve) => {
      guardedLookup(answer(addresses))('push.example', { all }, (err, address, family) => resolve({ err, address, family }))
    })
    const mixed = await run([{ address: '142.250.74.10', family: 4 }, { address: '127.0.0.1', family: 4 }], false)
    expect(mixed.err?.code).toBe('ERR_PUSH_ADDRESS_REFUSED')
    expect((await run([], true)).err?.code).toBe('ERR_PUSH_ADDRESS_REFUSED')
    expect(await run([{ address: '142.250.74.10', family: 4 }], false)).toEqual({ err: null, address: '142.250.74.10', family: 4 })
    const both = [{ address: '2a00:1450:4001:82b::200a', family: 6 }, { address: '142.250.74.10', family: 4 }]
    expect((await run(both, true)).address).toEqual(both)
  })
})
