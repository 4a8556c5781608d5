/**
 * `npm run eval -- sentiment --data <uci-sentiment folder>`
 *
 * The sentiment signal, leave-one-source-out: for each of amazon / imdb / yelp, cohort-mini is built by the
 * shipped builder with the other two sources as its only labelled sentences (no Stack Exchange, no test
 * sentences, not even in the vocabulary), loaded through the product loader, and its `sentiment` (> 0 =
 * positive) is scored on the held-out source. A "seed lexicon only" model (no labelled sentences) is the baseline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContentModel } from '../../adapters/ml/index.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { buildCohortMini } from '../../scripts/model/build.ts';
import { auc } from '../../scripts/model/logistic.ts';
import { type LabelledSentence, loadUciSentiment, UCI_SOURCES } from '../../scripts/model/uci-sentiment.ts';
import type { EvalArgs } from './run.ts';

async function scoreWith(train: LabelledSentence[], test: LabelledSentence[], seed: number) {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'cohort-sentiment-eval-'));
  try {
    await buildCohortMini(
      {
        corpus: [],
        sentiment: train.map((s) => ({ text: s.text, label: s.label })),
        quality: [],
        description: 'sentiment eval',
      },
      { outDir, seed, log: silentLogger },
    );
    const model = await createContentModel({ name: outDir, allowRemote: false, log: silentLogger });
    const signals = await model.signals(test.map((s) => s.text));
    await model.dispose();
    const scores = signals.map((s) => s.sentiment);
    const labels = test.map((s) => s.label);
    const correct = scores.filter((v, i) => (v > 0 ? 1 : 0) === labels[i]).length;
    return { accuracy: correct / test.length, auc: auc(scores, labels), neutral: scores.filter((v) => v === 0).length };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export async function run(args: EvalArgs): Promise<void> {
  if (!args.data) throw new Error('usage: npm run eval -- sentiment --data <uci-sentiment folder>');
  const all = loadUciSentiment(args.data);
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
    const trained = await scoreWith(train, test, args.seed);
    const lexicon = await scoreWith([], test, args.seed);
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
}
