/**
 * Synthetic, seeded community for the recommender bench, written straight into a SQLite file with raw inserts in
 * one transaction per chunk (the product's own stores would take minutes for a million rows; the service then
 * reads them back through its ordinary EventStore / CourseStore). Zipf-like item popularity within a topic,
 * members with 1–3 favourite topics (some much more active), items published over 180 days.
 */
import { createCoreStores, openDatabase } from '../adapters/storage/index.ts';
import { sqliteTimestamp } from '../adapters/storage/sqlite-driver-adapter.ts';
import type { ContentModel, ContentSignals } from '../core/ports/content-model.ts';
import { silentLogger } from '../core/ports/logger.ts';
import { seededRandom } from '../core/ports/random.ts';

export const TOPICS = 50;
export const DIMS = 64;
export const START = Date.UTC(2026, 0, 1);
export const SPAN = 180 * 24 * 3_600_000;

export interface BenchSize {
  members: number;
  items: number;
  interactions: number;
}

const VERBS = ['course.viewed', 'course.viewed', 'course.viewed', 'course.enrolled', 'course.purchased'] as const;

/** Seeds the file; returns the community id. */
export async function seedCommunity(file: string, size: BenchSize, seed = 42): Promise<string> {
  const db = await openDatabase({ provider: 'sqlite', file }, { log: silentLogger });
  try {
    const core = createCoreStores(db.prisma);
    const community = await core.communities.ensure('console', 'rec-bench', { name: 'Bench' });
    if (db.driver.provider !== 'sqlite') throw new Error('the recommender bench seeds SQLite');
    const conn = db.driver.connection;
    const random = seededRandom(seed);
    const itemTopic = new Int32Array(size.items);
    const byTopic: number[][] = Array.from({ length: TOPICS }, () => []);
    const createdAt = new Float64Array(size.items);
    const insertCourse = conn.statement(
      'INSERT INTO "Course" (id, communityId, title, description, tags, createdAt) VALUES (?, ?, ?, ?, ?, ?)',
    );
    conn.db.transaction(() => {
      for (let i = 0; i < size.items; i++) {
        const t = Math.floor(random() * TOPICS);
        itemTopic[i] = t;
        byTopic[t]?.push(i);
        createdAt[i] = START + (i / size.items) * SPAN;
        insertCourse.run(
          `c${i}`,
          community.id,
          `Course ${i} t${t}`,
          `About t${t}`,
          JSON.stringify([`t${t}`, `t${(t + 1) % TOPICS}`]),
          sqliteTimestamp(new Date(createdAt[i] as number)),
        );
      }
    })();
    const favourites = Array.from({ length: size.members }, () =>
      Array.from({ length: 1 + Math.floor(random() * 3) }, () => Math.floor(random() * TOPICS)),
    );
    const insertEvent = conn.statement(
      'INSERT INTO "InteractionEvent" (id, communityId, actorId, verb, objectType, objectId, platform, occurredAt, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Items are published in index order, so the items of a topic that exist at time `when` are a prefix of its list.
    const CHUNK = 50_000;
    for (let from = 0; from < size.interactions; from += CHUNK) {
      conn.db.transaction(() => {
        for (let e = from; e < Math.min(size.interactions, from + CHUNK); e++) {
          const when = START + (e / size.interactions) * SPAN;
          const m = Math.floor(random() ** 1.5 * size.members);
          const favs = favourites[m] as number[];
          const topic =
            random() < 0.8 ? (favs[Math.floor(random() * favs.length)] as number) : Math.floor(random() * TOPICS);
          const list = byTopic[topic] as number[];
          let live = 0;
          for (let lo = 0, hi = list.length; lo < hi; ) {
            const mid = (lo + hi) >> 1;
            if ((createdAt[list[mid] as number] as number) <= when) lo = live = mid + 1;
            else hi = mid;
          }
          const n = Math.max(1, live);
          const k = random() < 0.5 ? n - 1 - Math.floor(random() ** 3 * n) : Math.floor(random() ** 3 * n);
          const item = (list[Math.max(0, Math.min(n - 1, k))] ?? 0) as number;
          const at = Math.max(when, (createdAt[item] as number) + 1);
          const verb = VERBS[Math.floor(random() * VERBS.length)] as string;
          insertEvent.run(
            `e${e}`,
            community.id,
            `m${m}`,
            verb,
            'course',
            `c${item}`,
            'console',
            sqliteTimestamp(new Date(at)),
            '{}',
          );
        }
      })();
    }
    return community.id;
  } finally {
    await db.close();
  }
}

/**
 * A content model for the bench: a course's vector is its topic's direction plus seeded noise (what a sentence model
 * gives a catalogue of topical courses), so no model inference is timed with the recommender.
 */
export function benchContentModel(): ContentModel {
  const random = seededRandom(5);
  const topicVectors = Array.from({ length: TOPICS }, () => Float32Array.from({ length: DIMS }, () => random() - 0.5));
  const embed = (text: string): Float32Array => {
    const t = Number(/t(\d+)/.exec(text)?.[1] ?? 0) % TOPICS;
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    const noise = seededRandom(h >>> 0);
    const v = new Float32Array(DIMS);
    let norm = 0;
    for (let a = 0; a < DIMS; a++) {
      const x = (topicVectors[t]?.[a] as number) + (noise() - 0.5) * 0.5;
      v[a] = x;
      norm += x * x;
    }
    for (let a = 0; a < DIMS; a++) v[a]! /= Math.sqrt(norm);
    return v;
  };
  return {
    id: 'bench-topics@1',
    dimensions: DIMS,
    embed: async (texts) => texts.map(embed),
    signals: async (texts) => texts.map((): ContentSignals => ({ quality: 0.5, sentiment: 0, topics: [] })),
  };
}
