import { randomFillSync } from 'node:crypto';

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids made one after another sort one
 * after another. Rows written on the hot paths (transfers, postings, events) are keyed by them: a new key lands on
 * the last page of its index instead of a random one, so tips that share a commit share their index pages, and the
 * write-ahead log gets one page per index per commit instead of one per row. Within one millisecond the 12-bit
 * sequence field counts up (RFC 9562 method 1), so ids of this process never go backwards while the clock does not.
 */

const random = new Uint8Array(8);
let lastMs = -1;
let sequence = 0;

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

export function timeOrderedId(now: number = Date.now()): string {
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    sequence++;
    // 4,096 ids in one millisecond: borrow the next millisecond rather than wrap around.
    if (sequence > 0xfff) {
      ms++;
      sequence = 0;
    }
  } else sequence = 0;
  lastMs = ms;
  randomFillSync(random);
  const high = Math.floor(ms / 0x10000);
  const low = ms % 0x10000;
  const variant = 0x8000 | ((((random[0] as number) << 8) | (random[1] as number)) & 0x3fff);
  const tail = Array.from(random.subarray(2), (b) => hex(b, 2)).join('');
  return `${hex(high, 8)}-${hex(low, 4)}-${hex(0x7000 | sequence, 4)}-${hex(variant, 4)}-${tail}`;
}
