/**
 * Top-K indexes of a score array, best first, skipping masked entries. A bounded min-heap keeps it O(n log K)
 * with no allocation proportional to n: serving ranks 20k items per request.
 */
export function topK(scores: Float32Array | Float64Array, k: number, excluded?: Uint8Array): Int32Array {
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    if (excluded?.[i]) continue;
    const s = scores[i] as number;
    if (Number.isNaN(s)) continue;
    if (size < k) {
      // sift up
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if ((heapVal[p] as number) <= s) break;
        heapVal[c] = heapVal[p] as number;
        heapIdx[c] = heapIdx[p] as number;
        c = p;
      }
      heapVal[c] = s;
      heapIdx[c] = i;
    } else if (s > (heapVal[0] as number)) {
      // replace root, sift down
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && (heapVal[r] as number) < (heapVal[l] as number) ? r : l;
        if ((heapVal[m] as number) >= s) break;
        heapVal[c] = heapVal[m] as number;
        heapIdx[c] = heapIdx[m] as number;
        c = m;
      }
      heapVal[c] = s;
      heapIdx[c] = i;
    }
  }
  const order = Array.from({ length: size }, (_, j) => j).sort(
    (a, b) => (heapVal[b] as number) - (heapVal[a] as number) || (heapIdx[a] as number) - (heapIdx[b] as number),
  );
  return Int32Array.from(order, (j) => heapIdx[j] as number);
}
