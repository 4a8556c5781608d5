import type { LookupAddress, LookupOptions } from 'node:dns';
import dns from 'node:dns';
import ipaddr from 'ipaddr.js';

/**
 * SSRF guard. Only globally routable unicast addresses may be fetched: private, loopback, link-local
 * (169.254.169.254, the cloud metadata service), multicast, CGNAT, reserved and the IPv6 equivalents are refused.
 * The check runs inside the socket's own DNS lookup, so the address checked is the address connected to:
 * a DNS answer that changes between a pre-check and the connect (rebinding) cannot slip through.
 */

export class BlockedAddressError extends Error {
  readonly code = 'FEED_BLOCKED_ADDRESS';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${host} resolves to ${address} (${range}), which is not a public address`);
  }
}

const ipv4Of = (high: number, low: number): ipaddr.IPv4 =>
  new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/**
 * The IPv4 addresses an IPv6 address carries, for every form that embeds one: IPv4-compatible (`::/96`, which
 * WHATWG URLs write `[::7f00:1]` for `[::127.0.0.1]`), IPv4-mapped (`::ffff:0:0/96`), SIIT (`::ffff:0:0:0/96`),
 * NAT64 (`64:ff9b::/96`), 6to4 (`2002::/16`) and Teredo (`2001::/32`: the server, and the client obfuscated by XOR).
 * A connection to such an address may end at the IPv4 host, so the IPv4 host is what gets judged.
 */
export function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = address.parts as number[];
  const zero = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  const last = ipv4Of(p[6] as number, p[7] as number);
  if (zero(0, 5) && (p[5] === 0 || p[5] === 0xffff)) return [last];
  if (zero(0, 4) && p[4] === 0xffff && p[5] === 0) return [last];
  if (p[0] === 0x64 && p[1] === 0xff9b && zero(2, 6)) return [last];
  if (p[0] === 0x2002) return [ipv4Of(p[1] as number, p[2] as number)];
  if (p[0] === 0x2001 && p[1] === 0)
    return [ipv4Of(p[2] as number, p[3] as number), ipv4Of(~(p[6] as number) & 0xffff, ~(p[7] as number) & 0xffff)];
  return [];
}

/**
 * The ipaddr.js range name of an address. An IPv6 address that embeds IPv4 addresses is judged by them: the
 * first one that is not public names the range (`loopback` for `::127.0.0.1`), and it is `unicast` when all are.
 */
export function addressRange(address: string): string {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range();
  const own = parsed.range();
  // `::` and `::1` sit inside ::/96 but are IPv6's own unspecified and loopback addresses.
  if (own === 'unspecified' || own === 'loopback') return own;
  const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
  if (embedded.length === 0) return own;
  return embedded.map((v4) => v4.range()).find((range) => range !== 'unicast') ?? 'unicast';
}

export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return addressRange(address) === 'unicast';
}

/**
 * Ranges that FEED_ALLOW_PRIVATE_NETWORKS opens (a feed server on the LAN or on this host). Link-local
 * (169.254.169.254, the cloud metadata service), multicast, broadcast and reserved stay refused: no feed lives there.
 */
const PRIVATE_RANGES = new Set(['private', 'loopback', 'uniqueLocal', 'carrierGradeNat']);

export function isAllowedAddress(address: string, allowPrivate: boolean): boolean {
  if (!ipaddr.isValid(address)) return false;
  const range = addressRange(address);
  return range === 'unicast' || (allowPrivate && PRIVATE_RANGES.has(range));
}

/** Throws BlockedAddressError for an IP-literal host that is not allowed (literals never reach the lookup). */
export function checkLiteralHost(hostname: string, allowPrivate: boolean): void {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return;
  if (!isAllowedAddress(bare, allowPrivate)) throw new BlockedAddressError(hostname, bare, addressRange(bare));
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for net.connect / undici's `connect` option that refuses non-public answers. */
export type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) => dns.lookup(hostname, options, callback);

export function guardedLookup(allowPrivate: boolean, resolve: Resolver = systemResolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses;
      // One bad answer refuses the host: connecting to "the good one" would still let an attacker pick.
      const blocked = list.find((a) => !isAllowedAddress(a.address, allowPrivate));
      if (blocked)
        return callback(new BlockedAddressError(hostname, blocked.address, addressRange(blocked.address)), []);
      if (list.length === 0)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}
