/**
 * `npm run eval -- sentiment --data <uci-sentiment folder>`
 *
 * The sentiment signal, leave-one-source-out: for each of amazon / imdb / yelp, cohort-mini is built by the
 * shipped builder with the other two sources as its only labelled sentences (no Stack Exchange, no test
 * sentences, not even in the vocabulary), loaded through the product loader, and its `sentiment` (> 0 =
 * positive) is scored on the held-out source. A "seed lexicon only" model (no labelled sentences) is the baseline.
 *
 * With `se=<stackexchange dump folder>` the builds also get the shipped model's neutral sentences (titles and plain
 * sentences of the oldest 80% of posts, label 0.5), and the report adds how neutral the model reads plain Q&A text
 * it never saw: |sentiment| on the neutral sentences of the newest 20% of posts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContentModel } from '../../adapters/ml/index.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { buildCohortMini } from '../../scripts/model/build.ts';
import { auc } from '../../scripts/model/logistic.ts';
import { seQualityItems } from '../../scripts/model/stackexchange-quality.ts';
import { neutralSentences } from '../../scripts/model/training-data.ts';
import { type LabelledSentence, loadUciSentiment, UCI_SOURCES } from '../../scripts/model/uci-sentiment.ts';
import { loadStackExchange } from './data/stackexchange.ts';
import type { EvalArgs } from './run.ts';

interface NeutralSplit {
  train: string[];
  test: string[];
}

async function scoreWith(
  train: LabelledSentence[],
  test: LabelledSentence[],
  seed: number,
  neutral: NeutralSplit | null,
) {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'cohort-sentiment-eval-'));
  try {
    await buildCohortMini(
      {
        corpus: [],
        sentiment: train.map((s) => ({ text: s.text, label: s.label })),
        quality: [],
        ...(neutral ? { neutral: neutral.train } : {}),
        description: 'sentiment eval',
      },
      { outDir, seed, log: silentLogger },
    );
    const model = await createContentModel({ name: outDir, allowRemote: false, log: silentLogger });
    const signals = await model.signals(test.map((s) => s.text));
    const neutralScores = neutral ? (await model.signals(neutral.test)).map((s) => Math.abs(s.sentiment)) : [];
    await model.dispose();
    const scores = signals.map((s) => s.sentiment);
    const labels = test.map((s) => s.label);
    const correct = scores.filter((v, i) => (v > 0 ? 1 : 0) === labels[i]).length;
    return {
      accuracy: correct / test.length,
      auc: auc(scores, labels),
      neutral: scores.filter((v) => v === 0).length,
      /** Mean |sentiment| on unseen neutral Q&A sentences, and the share of them within ±0.3. */
      neutralMeanAbs: neutralScores.reduce((a, v) => a + v, 0) / Math.max(1, neutralScores.length),
      neutralWithin03: neutralScores.filter((v) => v < 0.3).length / Math.max(1, neutralScores.length),
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export async function run(args: EvalArgs): Promise<void> {
  if (!args.data) throw new Error('usage: npm run eval -- sentiment --data <uci-sentiment folder>');
  const all = loadUciSentiment(args.data);
  const seDir = args.extra.find((e) => e.startsWith('se='))?.slice('se='.length);
  let neutral: NeutralSplit | null = null;
  if (seDir) {
    const items = seQualityItems(loadStackExchange(path.resolve(seDir)));
    const cut = Math.floor(items.length * 0.8);
    neutral = { train: neutralSentences(items.slice(0, cut)), test: neutralSentences(items.slice(cut)) };
  }
  const rows: {
    heldOut: string;
    train: number;
    test: number;
    trained: Awaited<ReturnType<typeof scoreWith>>;
    lexiconOnly: Awaited<ReturnType<typeof scoreWith>>;
  }[] = [];
  for (const held of UCI_SOURCES) {
    const train = all.filter((s) => s.source !== held);
    const test = all.filter((s) => s.source === held);
    const trained = await scoreWith(train, test, args.seed, neutral);
    const lexicon = await scoreWith([], test, args.seed, neutral);
    rows.push({ heldOut: held, train: train.length, test: test.length, trained, lexiconOnly: lexicon });
  }
  const mean = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const summary = {
    rows,
    meanAccuracy: mean((r) => r.trained.accuracy),
    meanLexiconAccuracy: mean((r) => r.lexiconOnly.accuracy),
  };
  if (args.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(`sentiment eval on ${args.data} (leave one source out; accuracy of sign(sentiment), AUC of sentiment)`);
  for (const r of rows) {
    console.log(
      `  held out ${r.heldOut.padEnd(13)} train ${r.train} / test ${r.test}: accuracy ${r.trained.accuracy.toFixed(3)}  AUC ${r.trained.auc.toFixed(3)}   | seed lexicon only: accuracy ${r.lexiconOnly.accuracy.toFixed(3)}  AUC ${r.lexiconOnly.auc.toFixed(3)} (${r.lexiconOnly.neutral} scored exactly 0)`,
    );
  }
  console.log(
    `  mean accuracy ${summary.meanAccuracy.toFixed(3)} (seed lexicon only ${summary.meanLexiconAccuracy.toFixed(3)}; chance 0.5)`,
  );
  if (neutral) {
    console.log(
      `  neutral Q&A text (${neutral.test.length} unseen sentences, trained with ${neutral.train.length}): mean |sentiment| ${mean((r) => r.trained.neutralMeanAbs).toFixed(3)}, within ±0.3 ${mean((r) => r.trained.neutralWithin03).toFixed(3)}`,
    );
  } else {
    console.log('  (add se=<stackexchange dump folder> to train with neutral Q&A sentences as the shipped model does)');
  }
}
