/**
 * The recommender's view of what can be recommended: dense indexes, typed arrays, nothing else.
 * Courses (in the bot) and questions (in the Stack Exchange evaluation) both become one of these.
 */
export interface ItemCatalog {
  size: number;
  /** Creation time, ms since epoch. */
  createdAt: Float64Array;
  /** Member index of the item's author (course creator), −1 when none: members are never recommended their own. */
  authorOf: Int32Array;
  /** Topics of item i: topicIdx[topicPtr[i]..topicPtr[i+1]], indexes into topicNames. */
  topicPtr: Int32Array;
  topicIdx: Int32Array;
  topicNames: string[];
  /** Optional L2-normalised content vectors, row-major (size × dims). */
  content: { dims: number; vectors: Float32Array } | null;
}

export interface CatalogItemInput {
  createdAt: number;
  author: number;
  topics: readonly string[];
}

export function buildCatalog(
  items: readonly CatalogItemInput[],
  content: { dims: number; vectors: Float32Array } | null = null,
): ItemCatalog {
  const topicIndex = new Map<string, number>();
  const topicNames: string[] = [];
  const topicPtr = new Int32Array(items.length + 1);
  const idx: number[] = [];
  items.forEach((item, i) => {
    for (const raw of new Set(item.topics.map((t) => t.trim().toLowerCase()).filter(Boolean))) {
      let t = topicIndex.get(raw);
      if (t === undefined) {
        t = topicNames.length;
        topicIndex.set(raw, t);
        topicNames.push(raw);
      }
      idx.push(t);
    }
    topicPtr[i + 1] = idx.length;
  });
  return {
    size: items.length,
    createdAt: Float64Array.from(items, (i) => i.createdAt),
    authorOf: Int32Array.from(items, (i) => i.author),
    topicPtr,
    topicIdx: Int32Array.from(idx),
    topicNames,
    content,
  };
}

export function topicsOf(catalog: ItemCatalog, item: number): Int32Array {
  return catalog.topicIdx.subarray(catalog.topicPtr[item], catalog.topicPtr[item + 1]);
}

export function topicIndexOf(catalog: ItemCatalog, name: string): number {
  return catalog.topicNames.indexOf(name.trim().toLowerCase());
}
