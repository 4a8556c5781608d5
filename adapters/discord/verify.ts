import crypto from 'node:crypto';
import { isFreshTimestamp } from '../shared/hardened-listener.ts';

/** DER prefix that turns a raw 32-byte Ed25519 public key into an SPKI key node:crypto can load. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PublicKey(hex: string): crypto.KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('DISCORD_PUBLIC_KEY must be 64 hex characters');
  return crypto.createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

/**
 * Discord signs `timestamp + body` with Ed25519. A request that fails the check, or whose timestamp is more than
 * `maxSkewSeconds` away from now (a replay), is refused.
 */
export function verifyDiscordRequest(
  key: crypto.KeyObject,
  rawBody: Buffer,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  nowMs: number,
  maxSkewSeconds = 300,
): boolean {
  if (!signatureHex || !timestamp || !/^[0-9a-f]{128}$/i.test(signatureHex)) return false;
  if (!isFreshTimestamp(timestamp, nowMs, maxSkewSeconds)) return false;
  try {
    return crypto.verify(null, Buffer.concat([Buffer.from(timestamp), rawBody]), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
