import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/ports/logger.ts';
import { type CohortContentModel, createContentModel, ModelUnavailableError } from './index.ts';

const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('cohort-mini through the real transformers.js loader', () => {
  let model: CohortContentModel;
  beforeAll(async () => {
    model = await createContentModel({ name: 'cohort-mini', allowRemote: false, log: silentLogger });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('loads the shipped model with its heads and combiner', () => {
    expect(model.id).toBe('cohort-mini@1');
    expect(model.hasHeads).toBe(true);
    expect(model.dimensions).toBeGreaterThan(32);
    expect(model.qualityCombiner?.usesText).toBe(true);
  });

  it('returns one L2-normalised vector per text, in input order', async () => {
    const texts = ['short', 'a somewhat longer sentence about online courses and pricing', '量子计算入门课程', ''];
    const vectors = await model.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const v of vectors) {
      expect(v).toHaveLength(model.dimensions);
      expect(Math.sqrt(cosine(v, v))).toBeCloseTo(1, 4);
    }
    const again = await model.embed([texts[2] as string]);
    expect(cosine(again[0] as Float32Array, vectors[2] as Float32Array)).toBeCloseTo(1, 5);
  });

  it('puts paraphrases closer than unrelated text, in English, in Chinese and across the two', async () => {
    const [price, paraphrase, weather, zhPrice, zhParaphrase, zhWeather] = await model.embed([
      'How do I price my online course?',
      'What should I charge for a paid course?',
      'Sunny weather today, no rain expected.',
      '如何给我的在线课程定价？',
      '付费课程应该收费多少钱？',
      '今天天气晴朗，不会下雨。',
    ]);
    const c = (a?: Float32Array, b?: Float32Array) => cosine(a as Float32Array, b as Float32Array);
    expect(c(price, paraphrase)).toBeGreaterThan(c(price, weather) + 0.3);
    expect(c(zhPrice, zhParaphrase)).toBeGreaterThan(c(zhPrice, zhWeather) + 0.3);
    expect(c(price, zhPrice)).toBeGreaterThan(c(price, zhWeather) + 0.3);
    expect(c(weather, zhWeather)).toBeGreaterThan(c(weather, zhPrice) + 0.3);
  });

  it('gives clear sentiment the right sign in both languages', async () => {
    const signals = await model.signals([
      'This course was excellent, really helpful and well explained. I loved it!',
      'Terrible, boring and a total waste of money. I want a refund.',
      '这门课非常好，讲得很清楚，很有帮助，强烈推荐！',
      '太差了，浪费时间，非常失望，不推荐。',
    ]);
    const [enPos, enNeg, zhPos, zhNeg] = signals.map((s) => s.sentiment);
    expect(enPos).toBeGreaterThan(0.3);
    expect(enNeg).toBeLessThan(-0.3);
    expect(zhPos).toBeGreaterThan(0.3);
    expect(zhNeg).toBeLessThan(-0.3);
    // Chinese carries sentiment only through the lexicon, so a plain question (not a training anchor) is neutral.
    const [zhQuestion] = await model.signals(['这个社区的活动什么时候开始？']);
    expect(Math.abs(zhQuestion?.sentiment as number)).toBeLessThan(0.3);
    for (const s of signals) {
      expect(s.quality).toBeGreaterThanOrEqual(0);
      expect(s.quality).toBeLessThanOrEqual(1);
    }
  });

  it('reads plain questions and statements as near-neutral in both languages', async () => {
    // Words like "office", "hours" or "which" lean negative in review data; the subjectivity gate keeps plain
    // text neutral. None of these sentences is a training anchor.
    const neutral = [
      'Which tier includes the office hours?',
      'When does the next cohort start?',
      'How do I reset my password?',
      'The recording of the workshop is in the resources channel.',
      '哪个会员等级包含答疑时间？',
      '下一期训练营什么时候开营？',
      '讲义已经上传到资料频道。',
    ];
    const signals = await model.signals(neutral);
    for (const [i, s] of signals.entries()) {
      expect(Math.abs(s.sentiment), neutral[i]).toBeLessThan(0.25);
    }
    // The gate damps polarity but never flips it: an opinion still reads as one.
    const [praise, complaint] = await model.signals([
      'The office hours were great, so helpful!',
      'The office hours were useless and a waste of time.',
    ]);
    expect(praise?.sentiment).toBeGreaterThan(0.3);
    expect(complaint?.sentiment).toBeLessThan(-0.3);
  });

  it('labels topics from either language', async () => {
    const [quantum, zhQuantum, pricing] = await model.signals([
      'How do I implement a CNOT gate on two qubits in Qiskit?',
      '如何用量子电路制备两个量子比特的纠缠态？',
      'Pricing a subscription for my paid community',
    ]);
    expect(quantum?.topics[0]?.topic).toBe('quantum');
    expect(zhQuantum?.topics[0]?.topic).toBe('quantum');
    expect(pricing?.topics.map((t) => t.topic)).toContain('business');
  });

  it('scores a batch larger than one forward pass in input order', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => (i % 2 ? `quantum qubit number ${i}` : `课程 定价 ${i}`));
    const batched = await model.analyze(texts);
    const single = await model.analyze([texts[41] as string]);
    expect(batched).toHaveLength(70);
    expect(cosine(batched[41]?.embedding as Float32Array, single[0]?.embedding as Float32Array)).toBeCloseTo(1, 5);
  });
});

describe('model loading failures', () => {
  let server: Server;
  let requests = 0;
  let host = '';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.statusCode = 404;
      res.end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails with MODEL_NOT_FOUND for a missing local folder', async () => {
    const error = await createContentModel({ name: './no/such/model', allowRemote: false, log: silentLogger }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).code).toBe('MODEL_NOT_FOUND');
  });

  it('never contacts the hub when allowRemote is false', async () => {
    const before = requests;
    const error = await createContentModel({
      name: 'example-org/not-shipped-model',
      allowRemote: false,
      remoteHost: host,
      log: silentLogger,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).code).toBe('MODEL_NOT_FOUND');
    expect((error as Error).message).toContain('allowRemote: false');
    expect(requests).toBe(before);
  });

  it('does ask the configured hub when allowRemote is true (the control for the test above)', async () => {
    const before = requests;
    const error = await createContentModel({
      name: 'example-org/not-shipped-model',
      allowRemote: true,
      remoteHost: host,
      cacheDir: '/tmp/cohort-model-test-cache',
      log: silentLogger,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(requests).toBeGreaterThan(before);
  });
});

describe('the fast path (own tokenizer, InferenceSession) against transformers.js', () => {
  it('gives the same embeddings and signals on the same texts, in input order', async () => {
    const fast = await createContentModel({ name: 'cohort-mini', allowRemote: false, log: silentLogger });
    const reference = await createContentModel({
      name: 'cohort-mini',
      allowRemote: false,
      log: silentLogger,
      runtime: 'transformers',
    });
    try {
      const texts = [
        'How do I price my online course?',
        '量子计算入门课程：如何给我的在线课程定价？',
        'Café naïve résumé 🎉🚀 [MASK] party',
        '',
        Array.from({ length: 700 }, (_, i) => `word${i % 13}`).join(' '),
        ...Array.from({ length: 60 }, (_, i) => `${'课程 定价 quantum '.repeat(i % 9)} item ${i}`),
      ];
      const [got, want] = await Promise.all([fast.analyze(texts), reference.analyze(texts)]);
      expect(got).toHaveLength(texts.length);
      got.forEach((row, i) => {
        const other = want[i] as (typeof want)[number];
        expect(cosine(row.embedding, other.embedding), texts[i]).toBeCloseTo(1, 5);
        expect(row.signals.quality).toBeCloseTo(other.signals.quality, 5);
        expect(row.signals.sentiment).toBeCloseTo(other.signals.sentiment, 5);
        expect(row.signals.topics.map((t) => t.topic)).toEqual(other.signals.topics.map((t) => t.topic));
      });
    } finally {
      await fast.dispose();
      await reference.dispose();
    }
  });
});
