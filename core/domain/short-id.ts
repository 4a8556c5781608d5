import { createHash, randomInt } from 'node:crypto';

/**
 * Short, random, human-friendly ids (course ids people copy from cards). Lowercase letters and digits without the
 * look-alikes 0/o, 1/l/i, so an id read aloud or retyped from a phone screen still works. 8 characters from 31
 * symbols is about 8.5e11 values: stores still check uniqueness and draw again on a collision.
 */
export const SHORT_ID_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const SHORT_ID_LENGTH = 8;

export function shortId(pick: (bound: number) => number = randomInt): string {
  let id = '';
  for (let i = 0; i < SHORT_ID_LENGTH; i++) id += SHORT_ID_ALPHABET[pick(SHORT_ID_ALPHABET.length)];
  return id;
}

/** Ids made by `shortId` (newer courses); older rows carry 25-character cuids. */
export function isShortId(id: string): boolean {
  return id.length === SHORT_ID_LENGTH && [...id].every((c) => SHORT_ID_ALPHABET.includes(c));
}

/**
 * The short id a request key stands for (a platform delivery id): a command run again for the same delivery makes
 * the same id, so its store finds the row it made instead of making another.
 */
export function shortIdFor(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  let id = '';
  for (let i = 0; i < SHORT_ID_LENGTH; i++) id += SHORT_ID_ALPHABET[(digest[i] as number) % SHORT_ID_ALPHABET.length];
  return id;
}
