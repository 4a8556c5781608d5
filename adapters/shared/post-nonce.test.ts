import { describe, expect, it } from 'vitest';
import { invisibleNonce, noncesIn } from './post-nonce.ts';

describe('invisible post nonces', () => {
  it('round-trips a nonce hidden in text, which shows nothing of it', () => {
    const marker = invisibleNonce('cp0123456789abcdef01');
    expect(marker).not.toMatch(/[\p{L}\p{N}]/u);
    expect(noncesIn(`Digest · 2026-11-20 08:00${marker}`)).toEqual(['cp0123456789abcdef01']);
  });

  it('finds nothing in text without a marker, and every marker when there are several', () => {
    expect(noncesIn('plain text with a zero\u200bwidth space')).toEqual([]);
    expect(noncesIn(`${invisibleNonce('a')} and ${invisibleNonce('b')}`)).toEqual(['a', 'b']);
  });
});
