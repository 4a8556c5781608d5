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

/** The ipaddr.js range name of an address, with IPv4-mapped IPv6 addresses judged as the IPv4 they carry. */
export function addressRange(address: string): string {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range();
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
