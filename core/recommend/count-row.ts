/**
 * Counts keyed by item index (one item's co-occurrence with others): what a Map<number, number> held, in typed
 * arrays. Entries are kept in insertion order, as a Map iterates them, so everything computed from a row is what it
 * was. At 100k members the co-occurrence of a catalogue is millions of entries: as Maps they were about a third of a
 * retrain's heap (some 40 bytes an entry against 16 here) and much of the time spent folding the log in.
 */
const NONE = new Int32Array(0);

export class CountRow {
  /** Entries in insertion order: keyAt(e) / countAt(e) for e < size. */
  size = 0;
  #keys: Int32Array = NONE;
  #counts: Int32Array = NONE;
  /**
   * Open addressing: entry index + 1, 0 for an empty slot; a power of two, at most three quarters full (keys are
   * spread by a multiplicative hash, so probes stay short, and the slots were the largest part of a row).
   */
  #slots: Int32Array = NONE;

  keyAt(entry: number): number {
    return this.#keys[entry] as number;
  }

  countAt(entry: number): number {
    return this.#counts[entry] as number;
  }

  get(key: number): number | undefined {
    const e = this.#find(key);
    return e < 0 ? undefined : (this.#counts[e] as number);
  }

  /** Adds `amount` (an integer) to the count of `key`, inserting it at the end when new. */
  add(key: number, amount: number): void {
    if (4 * (this.size + 1) > 3 * this.#slots.length) this.#rehash(Math.max(8, 2 * this.#slots.length));
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let s = hash(key) & mask; ; s = (s + 1) & mask) {
      const e = slots[s] as number;
      if (e === 0) {
        if (this.size === this.#keys.length) this.#growEntries();
        this.#keys[this.size] = key;
        this.#counts[this.size] = amount;
        this.size++;
        slots[s] = this.size;
        return;
      }
      if (this.#keys[e - 1] === key) {
        this.#counts[e - 1]! += amount;
        return;
      }
    }
  }

  *[Symbol.iterator](): IterableIterator<[number, number]> {
    for (let e = 0; e < this.size; e++) yield [this.#keys[e] as number, this.#counts[e] as number];
  }

  #find(key: number): number {
    const slots = this.#slots;
    if (slots.length === 0) return -1;
    const mask = slots.length - 1;
    for (let s = hash(key) & mask; ; s = (s + 1) & mask) {
      const e = slots[s] as number;
      if (e === 0) return -1;
      if (this.#keys[e - 1] === key) return e - 1;
    }
  }

  #growEntries(): void {
    const capacity = Math.max(4, this.#keys.length * 2);
    const keys = new Int32Array(capacity);
    keys.set(this.#keys);
    const counts = new Int32Array(capacity);
    counts.set(this.#counts);
    this.#keys = keys;
    this.#counts = counts;
  }

  #rehash(capacity: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let e = 0; e < this.size; e++) {
      let s = hash(this.#keys[e] as number) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = e + 1;
    }
    this.#slots = slots;
  }
}

/** Spreads consecutive item indexes over the table (a multiplicative hash, high bits folded down). */
function hash(key: number): number {
  const h = Math.imul(key, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}
