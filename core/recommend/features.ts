import type { ActivityState } from './activity.ts';
import { HOUR_MS } from './activity.ts';
import { type AlsModel, foldInUser } from './als.ts';
import { topicsOf } from './catalog.ts';
import type { CountRow } from './count-row.ts';
import { topK } from './topk.ts';

/**
 * The hybrid's signals, one column each. The ranker learns how much each counts from the community's own log;
 * explanations name the signal that contributed most to a pick.
 */
export const FEATURES = [
  /** −log(1 + age in hours): in a living community the newest items are the likeliest next interaction. */
  'fresh',
  /** −log(1 + items published since this one): freshness relative to the flow of new items. */
  'newer',
  /** −log(1 + hours since anything happened to it): a live discussion draws people in. */
  'lastActive',
  /** exp(−hours since last activity / 6) and exp(−age in hours / 24): the steep part of both curves. */
  'justActive',
  'justPosted',
  /** −|log age − the member's usual log age at pick-up|: some members answer brand-new questions, others dig. */
  'ageFit',
  /** Decayed interaction counts (half-lives: hours and a week): what is being discussed right now. */
  'trendShort',
  'trendLong',
  /** All-time interactions. */
  'popularity',
  /** Overlap of the item's topics with the member's decayed topic weights. */
  'topic',
  /** topic × exp(−age in hours / 24): new and on-topic, more than the sum of the two. */
  'freshTopic',
  /** Item-kNN: co-occurrence with the member's recent items (cosine-normalised). */
  'itemKnn',
  /** User-kNN in time: what the members who share this member's threads touched lately (decayed, 2-day half-life). */
  'peers',
  /** Implicit ALS: the member's factors (folded in from the current history) · the item's. */
  'cf',
  /** Cosine between the member's content vector (mean of what they engaged with) and the item's embedding. */
  'content',
  /** Decayed popularity within the member's interest group: the cold-start signal. */
  'group',
  /** The member engaged with this item's author before. */
  'author',
] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_COUNT = FEATURES.length;
/**
 * Named subsets of the signals a blend can be restricted to (EngineOptions.blendFeatures). `time`: how old an item
 * is and how live its thread is — what every member's next pick is most likely to follow on a small forum.
 */
export const FEATURE_SETS = {
  time: ['fresh', 'newer', 'justPosted', 'lastActive', 'justActive'],
} as const satisfies Record<string, readonly FeatureName[]>;
export const F = Object.fromEntries(FEATURES.map((f, i) => [f, i])) as Record<FeatureName, number>;

/** Interest groups as the ranker sees them: a group per member and decayed item popularity per group. */
export interface GroupSignal {
  /** The member's group: their own when grouped at training, else the nearest to their vector, else −1. */
  assign(member: number, vector: Float32Array | null): number;
  /** groups × items, each row normalised to max 1. */
  itemScore: Float32Array;
  items: number;
}

export interface QueryContext {
  member: number;
  at: number;
  topicWeights: Map<number, number>;
  /** Items the member owns, dismissed or authored, and items that did not exist yet: never candidates. */
  excluded: Uint8Array;
  userFactors: Float32Array | null;
  contentVector: Float32Array | null;
  knn: Float32Array;
  peers: Float32Array;
  group: number;
  preferredLogAge: number;
}

export interface FeatureSources {
  state: ActivityState;
  als: AlsModel | null;
  alsGram: Float64Array | null;
  groups: GroupSignal | null;
  /** Extra content vector per member (e.g. from their messages), blended with the item-based one. */
  memberContent?: (member: number) => Float32Array | null;
}

/** How much the i-th most recent history item counts for item-kNN and the content vector. */
const RECENCY = 0.8;

/**
 * Item-sized buffers a caller reuses across queries (learning builds one query per example): they are cleared
 * through `touched`, the entries the previous query wrote, so a query costs what the member's history touches.
 */
export interface QueryScratch {
  excluded: Uint8Array;
  knn: Float32Array;
  peers: Float32Array;
  /** Every index written into any of the three. */
  touched: number[];
}

export function queryScratch(items: number): QueryScratch {
  return { excluded: new Uint8Array(items), knn: new Float32Array(items), peers: new Float32Array(items), touched: [] };
}

/**
 * Item-sized arrays one caller reuses for full queries (every non-candidate marked in `excluded`), cleared at the
 * start of each: serving builds one query per request, and three catalogue-sized arrays plus the score array per
 * request made every young-generation collection sweep their buffers one by one (3 of its 10 ms at 20k items).
 */
export interface DenseBuffers {
  excluded: Uint8Array;
  knn: Float32Array;
  peers: Float32Array;
  scores: Float32Array;
}

export function denseBuffers(items: number): DenseBuffers {
  return {
    excluded: new Uint8Array(items),
    knn: new Float32Array(items),
    peers: new Float32Array(items),
    scores: new Float32Array(items),
  };
}

/** Whether an item may be offered to the query's member (what `excluded` says in full for a query without scratch). */
export function isCandidate(src: FeatureSources, q: QueryContext, item: number): boolean {
  const cat = src.state.catalog;
  return !q.excluded[item] && (cat.createdAt[item] as number) < q.at && cat.authorOf[item] !== q.member;
}

/**
 * The member's query at `at`. With `scratch` nothing item-sized is allocated or scanned: `excluded` then holds
 * only what the member owns or dismissed (check items with `isCandidate`), and knn / peers are the scratch's.
 * With `dense` (and no scratch) the query is the full one, written into those buffers instead of new arrays.
 */
export function queryContext(
  src: FeatureSources,
  member: number,
  at: number,
  scratch?: QueryScratch,
  dense?: DenseBuffers,
): QueryContext {
  const { state } = src;
  const n = state.catalog.size;
  let excluded: Uint8Array;
  let knn: Float32Array;
  let touched: number[] | null = null;
  if (scratch) {
    for (const i of scratch.touched) {
      scratch.excluded[i] = 0;
      scratch.knn[i] = 0;
      scratch.peers[i] = 0;
    }
    scratch.touched.length = 0;
    ({ excluded, knn, touched } = scratch);
  } else if (dense) {
    excluded = dense.excluded.fill(0);
    knn = dense.knn.fill(0);
  } else {
    excluded = new Uint8Array(n);
    knn = new Float32Array(n);
  }
  const h = state.members.get(member);
  let userFactors: Float32Array | null = null;
  if (h) {
    for (const i of h.owned) {
      excluded[i] = 1;
      touched?.push(i);
    }
    for (const i of h.dismissed) {
      excluded[i] = 1;
      touched?.push(i);
    }
    // Item-kNN over the most recent window, newest weighted most.
    const len = h.items.length;
    const from = Math.max(0, len - state.options.coocWindow);
    for (let k = len - 1, w = 1; k >= from; k--, w *= RECENCY) {
      const j = h.items[k] as number;
      const rj = Math.max(1, state.reach[j] as number);
      const row = state.cooc[j] as CountRow;
      for (let e = 0; e < row.size; e++) {
        const i = row.keyAt(e);
        const c = row.countAt(e);
        if (touched && knn[i] === 0) touched.push(i);
        knn[i]! += (w * c) / Math.sqrt(rj * Math.max(1, state.reach[i] as number));
      }
    }
    if (src.als && len > 0) {
      const items: number[] = [];
      const strengths: number[] = [];
      for (let k = 0; k < len; k++) {
        const i = h.items[k] as number;
        if (i < src.als.items) {
          items.push(i);
          strengths.push(h.strength[k] as number);
        }
      }
      if (items.length > 0) userFactors = foldInUser(src.als, items, strengths, {}, src.alsGram ?? undefined);
    }
  }
  const contentVector = memberContentVector(src, member);
  const peers = peerScores(src, member, at, scratch, scratch ? undefined : dense?.peers.fill(0));
  if (!scratch) {
    for (let i = 0; i < n; i++) {
      if ((state.catalog.createdAt[i] as number) >= at || state.catalog.authorOf[i] === member) excluded[i] = 1;
    }
  }
  return {
    member,
    at,
    topicWeights: state.topicWeights(member, at),
    excluded,
    userFactors,
    contentVector,
    knn,
    peers,
    group: src.groups?.assign(member, contentVector) ?? -1,
    preferredLogAge: state.preferredLogAge(member),
  };
}

const PEER_NEIGHBOURS = 30;
const PEER_ITEMS = 20;
/** How many of the member's latest items find their peers, and the most members an item may have to count. */
const PEER_HISTORY = 20;
const PEER_ITEM_REACH = 500;

/**
 * One state's working arrays for peerScores, reused by every call (a call is synchronous, so one runs at a time): each
 * request used to build a Map of up to 10k co-participants and copy it twice, the largest share of what a
 * /recommend allocated and so of how often the young generation had to be collected.
 */
interface PeerScratch {
  /** Accumulated weight per member index (all zero between calls). */
  weight: Float64Array;
  /** The members met, in first-met order, and their weights (at most PEER_HISTORY × PEER_ITEM_REACH). */
  order: Int32Array;
  values: Float32Array;
}

const peerScratches = new WeakMap<object, PeerScratch>();

function peerScratchOf(state: object): PeerScratch {
  let s = peerScratches.get(state);
  if (!s) {
    const most = PEER_HISTORY * PEER_ITEM_REACH;
    s = { weight: new Float64Array(1024), order: new Int32Array(most), values: new Float32Array(most) };
    peerScratches.set(state, s);
  }
  return s;
}

function grown(a: Float64Array, size: number): Float64Array {
  const b = new Float64Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}
const PEER_LAMBDA = Math.LN2 / (48 * HOUR_MS);

/**
 * Members who touched the same items as this member (weighted by how rare each shared item is) and, for the
 * closest of them, their most recent items decayed by how long ago they touched them.
 */
export function peerScores(
  src: FeatureSources,
  member: number,
  at: number,
  scratch?: QueryScratch,
  /** A zeroed item-sized array to write into instead of a new one (without scratch). */
  into?: Float32Array,
): Float32Array {
  const { state } = src;
  const out = scratch?.peers ?? into ?? new Float32Array(state.catalog.size);
  const h = state.members.get(member);
  if (!h || h.items.length === 0) return out;
  const peers = peerScratchOf(state);
  let count = 0;
  for (let k = h.items.length - 1; k >= Math.max(0, h.items.length - PEER_HISTORY); k--) {
    const who = state.participants[h.items[k] as number] as CountRow;
    // Items everyone touched say little about who is alike, and would make this loop as slow as they are popular.
    if (who.size > PEER_ITEM_REACH) continue;
    const w = 1 / Math.log2(2 + who.size);
    for (let e = 0; e < who.size; e++) {
      const v = who.keyAt(e);
      if (v === member) continue;
      if (v >= peers.weight.length) peers.weight = grown(peers.weight, v + 1);
      // Weights are positive, so 0 is "not met yet": the order list is the members in first-met order.
      if (peers.weight[v] === 0) peers.order[count++] = v;
      peers.weight[v]! += w;
    }
  }
  // Bounded selection rather than a full sort: an active member can share threads with thousands of others.
  const ids = peers.order.subarray(0, count);
  const values = peers.values.subarray(0, count);
  for (let j = 0; j < count; j++) {
    const v = ids[j] as number;
    values[j] = peers.weight[v] as number;
    peers.weight[v] = 0;
  }
  const neighbours = Array.from(topK(values, PEER_NEIGHBOURS), (j) => [ids[j] as number, values[j] as number] as const);
  let total = 0;
  for (const [, w] of neighbours) total += w;
  if (total === 0) return out;
  for (const [v, w] of neighbours) {
    const hv = state.members.get(v);
    if (!hv) continue;
    // The neighbour's most recently discovered items (history is in first-touch order), decayed by last touch.
    for (let k = hv.items.length - 1; k >= Math.max(0, hv.items.length - PEER_ITEMS); k--) {
      const dt = Math.max(0, at - (hv.lastAt[k] as number));
      const i = hv.items[k] as number;
      if (scratch && out[i] === 0) scratch.touched.push(i);
      out[i]! += (w / total) * Math.exp(-PEER_LAMBDA * dt);
    }
  }
  return out;
}

/**
 * The member's interest vector in the content space: recency-weighted mean of what they engaged with, plus any
 * extra vector (their messages, explicit interests), L2-normalised. Null when nothing is known.
 */
export function memberContentVector(src: FeatureSources, member: number): Float32Array | null {
  const content = src.state.catalog.content;
  if (!content) return null;
  const d = content.dims;
  let v: Float32Array | null = null;
  const h = src.state.members.get(member);
  if (h && h.items.length > 0) {
    v = new Float32Array(d);
    const len = h.items.length;
    const from = Math.max(0, len - src.state.options.coocWindow);
    for (let k = len - 1, w = 1; k >= from; k--, w *= RECENCY) {
      const o = (h.items[k] as number) * d;
      for (let a = 0; a < d; a++) v[a]! += w * (content.vectors[o + a] as number);
    }
  }
  const extra = src.memberContent?.(member) ?? null;
  if (extra && extra.length === d) {
    v ??= new Float32Array(d);
    for (let a = 0; a < d; a++) v[a]! += extra[a] as number;
  }
  if (v) normalise(v);
  return v;
}

export function normalise(v: Float32Array): void {
  let s = 0;
  for (let a = 0; a < v.length; a++) s += (v[a] as number) ** 2;
  if (s === 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let a = 0; a < v.length; a++) v[a]! *= inv;
}

/** Writes the FEATURE_COUNT features of `item` into out[offset..]. */
export function itemFeatures(
  src: FeatureSources,
  q: QueryContext,
  item: number,
  out: Float32Array,
  offset: number,
): void {
  const { state } = src;
  const cat = state.catalog;
  const at = q.at;
  const ageHours = Math.max(0, (at - (cat.createdAt[item] as number)) / HOUR_MS);
  out[offset + F.fresh] = -Math.log1p(ageHours);
  out[offset + F.newer] = -Math.log1p(state.createdBetween(cat.createdAt[item] as number, at));
  out[offset + F.lastActive] = -Math.log1p(Math.max(0, at - state.lastActivity(item)) / HOUR_MS);
  out[offset + F.justActive] = Math.exp(-Math.max(0, at - state.lastActivity(item)) / (6 * HOUR_MS));
  out[offset + F.justPosted] = Math.exp(-ageHours / 24);
  out[offset + F.ageFit] = -Math.abs(Math.log1p(ageHours) - q.preferredLogAge);
  out[offset + F.trendShort] = Math.log1p(state.trendShort.at(item, at));
  out[offset + F.trendLong] = Math.log1p(state.trendLong.at(item, at));
  out[offset + F.popularity] = Math.log1p(state.count[item] as number);
  let topic = 0;
  if (q.topicWeights.size > 0) for (const t of topicsOf(cat, item)) topic += q.topicWeights.get(t) ?? 0;
  out[offset + F.topic] = topic;
  out[offset + F.freshTopic] = topic * Math.exp(-ageHours / 24);
  out[offset + F.itemKnn] = q.knn[item] as number;
  out[offset + F.peers] = q.peers[item] as number;
  let cf = 0;
  if (q.userFactors && src.als && item < src.als.items) {
    const k = src.als.factors;
    const o = item * k;
    for (let a = 0; a < k; a++) cf += (q.userFactors[a] as number) * (src.als.itemFactors[o + a] as number);
  }
  out[offset + F.cf] = cf;
  let content = 0;
  if (q.contentVector && cat.content) {
    const d = cat.content.dims;
    const o = item * d;
    for (let a = 0; a < d; a++) content += (q.contentVector[a] as number) * (cat.content.vectors[o + a] as number);
  }
  out[offset + F.content] = content;
  out[offset + F.group] =
    q.group >= 0 && src.groups ? (src.groups.itemScore[q.group * src.groups.items + item] ?? 0) : 0;
  const author = cat.authorOf[item] as number;
  const h = state.members.get(q.member);
  out[offset + F.author] = author >= 0 && h ? Math.log1p(h.authors.get(author) ?? 0) : 0;
}
