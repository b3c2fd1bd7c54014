// Where the server may send a push: the outbound boundary of Web Push (RFC 8030). An endpoint is
// a URL the browser's push service gave the browser, but it reaches the server as something a
// client typed, so it is checked twice: its shape when it is registered, and the addresses its
// host resolves to when a push goes out (on the very connection that carries the push).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { Agent } from 'node:https'
import { BlockList, isIP } from 'node:net'

/**
 * The push services browsers use (checked 2026): Chrome, Samsung Internet, Opera and other
 * Chromium browsers use Firebase Cloud Messaging; Firefox uses Mozilla autopush
 * (updates.push.services.mozilla.com); Edge uses the Windows Push Notification Services
 * (wns2-*.notify.windows.com); Safari 16+ uses web.push.apple.com, and Apple asks servers that
 * allow-list endpoints to allow *.push.apple.com.
 */
export const DEFAULT_PUSH_SERVICE_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  '*.push.services.mozilla.com',
  '*.notify.windows.com',
  'web.push.apple.com',
  '*.push.apple.com',
]

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const HOST_PATTERN = new RegExp(`^(\\*\\.)?${LABEL}(\\.${LABEL})*$`)

/**
 * Reads PUSH_SERVICE_HOSTS: comma-separated host names, `*.example.com` for any subdomain of
 * example.com (not example.com itself), and `default` for the built-in list. Unset or empty means
 * the built-in list. IP addresses and a bare `*` are refused: a push service has a name.
 * @throws Error naming the first entry that is not a host pattern (the server does not start).
 */
export function parsePushServiceHosts(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((s) => s.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean)
  if (entries.length === 0) return [...DEFAULT_PUSH_SERVICE_HOSTS]
  const hosts = new Set<string>()
  for (const entry of entries) {
    if (entry === 'default') {
      DEFAULT_PUSH_SERVICE_HOSTS.forEach((h) => hosts.add(h))
      continue
    }
    // A wildcard needs a registrable domain under it (`*.com` would allow the whole TLD).
    const wildTooBroad = entry.startsWith('*.') && !entry.slice(2).includes('.')
    if (!HOST_PATTERN.test(entry) || wildTooBroad || isIP(entry.replace(/^\*\./, '')) || /^(\*\.)?[0-9.]+$/.test(entry)) {
      throw new Error(`PUSH_SERVICE_HOSTS: "${entry}" is not a host name or *.domain pattern`)
    }
    hosts.add(entry)
  }
  return [...hosts]
}

function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p))
}

/**
 * Special-use addresses (IANA IPv4/IPv6 Special-Purpose Address Registries, RFC 6890 and
 * successors): nothing a public push service lives on. Loopback, private (RFC 1918, ULA),
 * link-local (incl. cloud metadata 169.254.169.254), shared CGN space, documentation, benchmark,
 * multicast, reserved, and the IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo).
 */
const SPECIAL_USE = (() => {
  const list = new BlockList()
  const v4: [string, number][] = [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
    ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
    ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
  ]
  const v6: [string, number][] = [
    // IPv4-mapped (::ffff:0:0/96) is not listed: BlockList checks those against the IPv4 rules
    // (and an IPv6 rule for it would match every IPv4 address).
    ['::', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
    ['2002::', 16], ['3fff::', 20], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
  ]
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4')
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6')
  return list
})()

/** Is this IP address (v4 or v6, no brackets) one the server must never connect to for a push? */
export function isSpecialUseAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return true
  return SPECIAL_USE.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

/** Why an endpoint is refused, in words for the person whose browser gave it (400 JSON). */
export class PushEndpointRefused extends Error {
  readonly code = 'push_endpoint_refused'
}

/**
 * The registration check (and the first check before each send): an absolute `https:` URL without
 * credentials, whose host is a name (never an IP literal, in any spelling the URL parser
 * normalises: decimal, octal, hex, bracketed IPv6) matching the allow-list.
 * @throws PushEndpointRefused
 */
export function checkPushEndpoint(endpoint: string, allowedHosts: readonly string[]): URL {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new PushEndpointRefused('The push endpoint is not a valid URL')
  }
  if (url.protocol !== 'https:') throw new PushEndpointRefused('The push endpoint must use https')
  if (url.username || url.password) throw new PushEndpointRefused('The push endpoint must not carry credentials')
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (host.startsWith('[') || isIP(host)) throw new PushEndpointRefused('The push endpoint must be a push service name, not an IP address')
  if (!hostAllowed(host, allowedHosts)) {
    throw new PushEndpointRefused(`${host} is not a known push service (this server allows: ${allowedHosts.join(', ')})`)
  }
  return url
}

type Resolver = (hostname: string, options: { all: true; family?: number | undefined }, cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void

/**
 * A `lookup` for net/tls connections: resolves every address of the host, refuses the lot if
 * any is special-use (a split answer is as suspect as a bad one), and hands the connection the
 * addresses it checked, so a DNS answer that changes between a check and the connect (rebinding)
 * cannot slip another address in. Errors carry code ERR_PUSH_ADDRESS_REFUSED.
 */
export function guardedLookup(resolve: Resolver = dnsLookup as unknown as Resolver) {
  return (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    const family = typeof options.family === 'number' && options.family !== 0 ? options.family : undefined
    resolve(hostname, { all: true, family }, (err, addresses) => {
      if (err) return callback(err, '')
      const bad = addresses.find((a) => isSpecialUseAddress(a.address))
      if (bad || addresses.length === 0) {
        const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${bad?.address ?? 'nothing'}, which is not a public address`)
        refused.code = 'ERR_PUSH_ADDRESS_REFUSED'
        return callback(refused, '')
      }
      if (options.all) return callback(null, addresses)
      const first = addresses[0]!
      callback(null, first.address, first.family)
    })
  }
}

/** The HTTPS agent every real push goes through: keep-alive to the push services, guarded lookup. */
export function createPushAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 50, lookup: guardedLookup() as never })
}

/** A send refused by the outbound checks: never retried. */
export function isRefusal(err: unknown): boolean {
  return err instanceof PushEndpointRefused || (err as { code?: unknown })?.code === 'ERR_PUSH_ADDRESS_REFUSED'
}
