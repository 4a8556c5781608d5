import { createHash } from 'node:crypto';
import type { ContentModel, ContentSignals } from '../../../core/ports/content-model.ts';

/**
 * A small deterministic ContentModel for tests that need exact, hand-checkable signals (ranking order,
 * near-duplicates): hashed bag-of-words embeddings (Latin words, Han bigrams), length-based quality, keyword topics.
 * Tests that exercise the real model load it through adapters/ml instead.
 */
const DIM = 256;
const TOPIC_WORDS: Record<string, string[]> = {
  ai: ['ai', 'model', 'llm', 'machine learning', '大模型', '智能', '检索增强'],
  data: ['data', 'experiment', 'a/b', 'analysis', '数据', '回测'],
  product: ['product', 'spec', 'roadmap', 'prioritisation', '产品', '需求'],
  investing: ['invest', 'fund', 'portfolio', '投资', '基金', '定投'],
  writing: ['writing', 'write', '写作'],
  design: ['design', 'colour', 'color', 'critique', '设计'],
};

function tokens(text: string): string[] {
  const lower = text.toLowerCase();
  const words = lower.match(/[a-z0-9]+/g) ?? [];
  const han = [...lower.replace(/[^\p{Script=Han}]/gu, '')];
  const bigrams = han.slice(1).map((ch, i) => `${han[i]}${ch}`);
  return [...words, ...bigrams];
}

function bucket(token: string): number {
  return createHash('md5').update(token).digest().readUInt32LE(0) % DIM;
}

export function tinyEmbed(text: string): Float32Array {
  const v = new Float32Array(DIM);
  for (const token of tokens(text)) v[bucket(token)] = (v[bucket(token)] ?? 0) + 1;
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < DIM; i++) v[i] = (v[i] as number) / norm;
  return v;
}

export function tinySignals(text: string): ContentSignals {
  const length = [...text].length;
  const quality = 1 / (1 + Math.exp(-(length - 120) / 60));
  const lower = text.toLowerCase();
  const topics = Object.entries(TOPIC_WORDS)
    .map(([topic, words]) => ({ topic, weight: words.some((w) => lower.includes(w)) ? 0.9 : 0 }))
    .filter((t) => t.weight > 0);
  return { quality, sentiment: 0, topics };
}

export const tinyModel: ContentModel = {
  id: 'tiny-test-model',
  dimensions: DIM,
  async embed(texts) {
    return texts.map(tinyEmbed);
  },
  async signals(texts) {
    return texts.map(tinySignals);
  },
};
