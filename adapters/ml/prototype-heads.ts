import { dot } from '../../core/domain/vectors.ts';
import type { ContentSignals } from '../../core/ports/content-model.ts';
import { TOPIC_DESCRIPTIONS, TOPICS } from './topics.ts';

/**
 * Signals for a model that has embeddings but no trained heads (most hub encoders). Documented heuristic:
 * - sentiment = tanh(6 · (cos(text, positive anchors) − cos(text, negative anchors))), anchors in en and zh;
 * - topics = cosine to each topic's description, rescaled so ≥ 0.25 counts, best three kept;
 * - quality = 0.5 (no text signal): the structure-only quality combiner shipped with cohort-mini scores quality.
 */
const POSITIVE_ANCHORS = [
  'This is excellent, really helpful and well explained. I loved it.',
  'Great course, highly recommended, worth every penny.',
  '非常好，讲得很清楚，很有帮助，强烈推荐。',
  '这门课太棒了，物超所值，我很喜欢。',
];
const NEGATIVE_ANCHORS = [
  'This is terrible, confusing and a waste of time. I hated it.',
  'Awful course, boring and useless, I want a refund.',
  '太差了，讲得很混乱，浪费时间，非常失望。',
  '这门课很烂，无聊又没用，不推荐。',
];

type Embed = (texts: readonly string[]) => Promise<Float32Array[]>;

function centroid(vectors: Float32Array[]): Float32Array {
  const D = vectors[0]?.length ?? 0;
  const c = new Float32Array(D);
  for (const v of vectors) for (let d = 0; d < D; d++) c[d] = (c[d] as number) + (v[d] as number);
  const n = Math.sqrt(c.reduce((s, x) => s + x * x, 0)) || 1;
  return c.map((x) => x / n);
}

export async function createPrototypeHeads(
  embed: Embed,
): Promise<{ signals(embedding: Float32Array): ContentSignals }> {
  const positive = centroid(await embed(POSITIVE_ANCHORS));
  const negative = centroid(await embed(NEGATIVE_ANCHORS));
  const topicVectors = await embed(TOPICS.map((t) => TOPIC_DESCRIPTIONS[t]));
  return {
    signals(embedding) {
      const sentiment = Math.tanh(6 * (dot(embedding, positive) - dot(embedding, negative)));
      const sims = topicVectors.map((v, k) => ({ topic: TOPICS[k] as string, sim: dot(embedding, v) }));
      const mean = sims.reduce((s, x) => s + x.sim, 0) / Math.max(1, sims.length);
      const topics = sims
        .map(({ topic, sim }) => ({ topic, weight: Math.max(0, Math.min(1, (sim - mean) / 0.2)) }))
        .filter((t) => t.weight >= 0.25)
        .sort((a, b) => b.weight - a.weight)
        .slice(0, 3);
      return { quality: 0.5, sentiment, topics };
    },
  };
}
