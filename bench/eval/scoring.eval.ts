/**
 * `npm run eval -- scoring --data <stackexchange folder> [target=local-rank|local-rank-mixed|rank|median|threshold|both]`
 *
 * The quality scorer on a real community, honestly: posts (questions and answers) in creation order; the model
 * is trained from scratch on the oldest 80% only (vocabulary, word vectors, quality head, combiner — the very
 * builder that makes the shipped cohort-mini), written to a temporary folder, loaded through the product's
 * loader (adapters/ml) and applied through the product's scorer (core/content/scoring) to the newest 20%.
 * Inputs never include votes, views, answer/comment counts, acceptance or post age; the author's activity is
 * counted only from before each post. Label rules on the test posts:
 *   rule 1: good = Score ≥ 3, bad = Score ≤ 0 (the rest left out);
 *   rule 2: good/bad = above/below the post type's training-period median (ties left out).
 * A length-only baseline is fitted on the same training posts and reported in the same run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContentModel } from '../../adapters/ml/index.ts';
import { createQualityCombiner, parseQualityCombinerSpec } from '../../core/content/scoring/quality-combiner.ts';
import { bodyText } from '../../core/content/scoring/quality-input.ts';
import { createContentScorer } from '../../core/content/scoring/scorer.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { seededRandom } from '../../core/ports/random.ts';
import { buildCohortMini } from '../../scripts/model/build.ts';
import { auc, type Example, predictLogit, trainLogistic } from '../../scripts/model/logistic.ts';
import {
  labelByMedian,
  labelByThreshold,
  type SeQualityItem,
  seQualityItems,
  typeMedians,
} from '../../scripts/model/stackexchange-quality.ts';
import { type QualityTarget, trainingData } from '../../scripts/model/training-data.ts';
import { loadStackExchange } from './data/stackexchange.ts';
import type { EvalArgs } from './run.ts';

interface RuleResult {
  rule: string;
  testPositives: number;
  testNegatives: number;
  auc: number;
  /** 95% bootstrap interval of the AUC over test posts (seeded). */
  aucInterval: [number, number];
  accuracy: number;
  threshold: number;
  majorityAccuracy: number;
}

const labelled = (scores: readonly number[], labels: readonly (0 | 1 | null)[]) => {
  const s: number[] = [];
  const y: number[] = [];
  labels.forEach((label, i) => {
    if (label === null) return;
    s.push(scores[i] as number);
    y.push(label);
  });
  return { s, y };
};

/**
 * Accuracy needs a cut-off; it is fixed on the training period, never on the test posts: the score above which
 * the same share of training posts is called good as was good under the rule.
 */
function trainingThreshold(trainScores: number[], trainLabels: (0 | 1 | null)[]): number {
  const { s, y } = labelled(trainScores, trainLabels);
  const positiveShare = y.filter((v) => v === 1).length / Math.max(1, y.length);
  const sorted = [...s].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((1 - positiveShare) * sorted.length))] ?? 0.5;
}

function evaluate(
  rule: string,
  scores: number[],
  labels: (0 | 1 | null)[],
  threshold: number,
  seed: number,
): RuleResult {
  const { s, y } = labelled(scores, labels);
  const positives = y.filter((v) => v === 1).length;
  const correct = s.filter((v, i) => (v >= threshold ? 1 : 0) === y[i]).length;
  const random = seededRandom(seed);
  const resampled: number[] = [];
  for (let r = 0; r < 1000; r++) {
    const bs: number[] = [];
    const by: number[] = [];
    for (let k = 0; k < s.length; k++) {
      const j = Math.floor(random() * s.length);
      bs.push(s[j] as number);
      by.push(y[j] as number);
    }
    const a = auc(bs, by);
    if (Number.isFinite(a)) resampled.push(a);
  }
  resampled.sort((a, b) => a - b);
  return {
    rule,
    testPositives: positives,
    testNegatives: y.length - positives,
    auc: auc(s, y),
    aucInterval: [
      resampled[Math.floor(resampled.length * 0.025)] ?? Number.NaN,
      resampled[Math.floor(resampled.length * 0.975)] ?? Number.NaN,
    ],
    accuracy: correct / Math.max(1, y.length),
    threshold,
    majorityAccuracy: Math.max(positives, y.length - positives) / Math.max(1, y.length),
  };
}

/** Length alone: one logistic feature (log body length) fitted on the training posts' labels for the rule. */
function lengthBaseline(
  train: SeQualityItem[],
  test: SeQualityItem[],
  label: (i: SeQualityItem) => 0 | 1 | null,
  seed: number,
) {
  const feature = (i: SeQualityItem) => Float64Array.from([Math.log1p(bodyText(i.input.html).length) - 7]);
  const examples: Example[] = train
    .map((i) => ({ i, y: label(i) }))
    .filter((e): e is { i: SeQualityItem; y: 0 | 1 } => e.y !== null)
    .map(({ i, y }) => ({ sparseIdx: new Int32Array(0), sparseVal: new Float32Array(0), dense: feature(i), y }));
  const m = trainLogistic(examples, {
    nSparse: 0,
    nDense: 1,
    l2Sparse: 0,
    l2Dense: 0,
    steps: 500,
    learningRate: 0.05,
    random: seededRandom(seed),
  });
  return test.map(
    (i) =>
      1 /
      (1 +
        Math.exp(
          -predictLogit(m, { sparseIdx: new Int32Array(0), sparseVal: new Float32Array(0), dense: feature(i), y: 0 }),
        )),
  );
}

export async function run(args: EvalArgs): Promise<void> {
  if (!args.data) throw new Error('usage: npm run eval -- scoring --data <stackexchange dump folder>');
  const targetArg = args.extra.find((e) => e.startsWith('target='))?.slice('target='.length) ?? 'local-rank';
  const target = (
    ['local-rank', 'rank', 'both', 'median', 'threshold'].includes(targetArg) ? targetArg : 'local-rank'
  ) as QualityTarget;
  const dump = loadStackExchange(args.data);
  const items = seQualityItems(dump);
  const cut = Math.floor(items.length * 0.8);
  const train = items.slice(0, cut);
  const test = items.slice(cut);
  const until = (test[0] as SeQualityItem).post.creationDate;
  const medians = typeMedians(train);
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'cohort-scoring-eval-'));
  try {
    const started = Date.now();
    const report = await buildCohortMini(
      trainingData({
        dump,
        items: train,
        sentences: [],
        until,
        target,
        description: `eval: oldest 80% before ${until.toISOString()}`,
      }),
      { outDir, seed: args.seed, log: silentLogger },
    );
    const trainMs = Date.now() - started;
    const model = await createContentModel({ name: outDir, allowRemote: false, log: silentLogger });
    const scorer = createContentScorer({ model, combiner: model.qualityCombiner });
    const scoredAll = await scorer.score(items.map((i) => i.input));
    const structureOnly = createContentScorer({
      model,
      combiner: model.qualityCombiner ? { usesText: false, combine: structureOnlyCombine(outDir) } : null,
    });
    const structureAll = (await structureOnly.score(items.map((i) => i.input))).map((s) => s.quality);
    await model.dispose();

    const rule1 = (i: SeQualityItem) => labelByThreshold(i.post.score);
    const rule2 = (i: SeQualityItem) => labelByMedian(i.post, medians);
    const rows = [
      { scorer: 'cohort-mini scorer (the product path: model + combiner)', all: scoredAll.map((s) => s.quality) },
      {
        scorer: 'ablation: the model alone (ContentModel.signals().quality, text head)',
        all: scoredAll.map((s) => s.textQuality),
      },
      { scorer: 'ablation: structure-only combiner (hub-model fallback)', all: structureAll },
      {
        scorer: 'baseline: body length alone',
        all: [] as number[],
        perRule: [lengthBaseline(train, items, rule1, args.seed), lengthBaseline(train, items, rule2, args.seed)],
      },
    ];
    const results: { scorer: string; results: RuleResult[] }[] = rows.map((r) => ({
      scorer: r.scorer,
      results: (
        [
          ['rule 1: Score ≥ 3 vs ≤ 0', rule1],
          ['rule 2: above/below type median', rule2],
        ] as const
      ).map(([name, rule], k) => {
        const all = r.perRule?.[k] ?? r.all;
        const threshold = trainingThreshold(all.slice(0, cut), train.map(rule));
        return evaluate(name, all.slice(cut), test.map(rule), threshold, args.seed + k);
      }),
    }));
    const summary = {
      data: args.data,
      posts: items.length,
      train: train.length,
      test: test.length,
      cut: until.toISOString(),
      medians: Object.fromEntries([...medians].map(([t, m]) => [t === 1 ? 'question' : 'answer', m])),
      trainingTarget: target,
      build: { ...report, trainMs },
      results,
    };
    if (args.json) {
      console.log(JSON.stringify(summary, null, 2));
      return;
    }
    const q = report.qualityQuestionOffset;
    console.log(`scoring eval on ${args.data}`);
    console.log(
      `posts ${items.length} (train ${train.length} oldest, test ${test.length} newest, cut ${until.toISOString()}); training-period medians: ${JSON.stringify(summary.medians)}`,
    );
    console.log(
      `model trained on the 80% in ${(trainMs / 1000).toFixed(1)} s (target "${target}"; chosen on the validation fifth: author history ${report.qualityUsesAuthorHistory ? 'on' : 'off'}, text beyond length ${report.qualityUsesTextBeyondLength ? `on, l2 ${report.qualityL2}` : 'off'}; validation AUC ${report.qualityValidationAuc.toFixed(3)}; question offset ${q ? `${q.offset} (validation rule 1 ${q.absoluteAuc.toFixed(3)}, rule 2 ${q.medianAuc.toFixed(3)})` : 'none'})`,
    );
    if (q?.tried)
      console.log(
        `question offsets tried on the validation fifth (offset: rule 1 / rule 2 AUC): ${q.tried.map((t) => `${t.offset}: ${t.absoluteAuc.toFixed(3)}/${t.medianAuc.toFixed(3)}`).join(', ')}`,
      );
    console.log('AUC [95% bootstrap interval]; accuracy at a cut-off fixed on the training period');
    for (const r of results) {
      console.log(`\n${r.scorer}`);
      for (const x of r.results) {
        console.log(
          `  ${x.rule.padEnd(34)} AUC ${x.auc.toFixed(3)} [${x.aucInterval.map((v) => v.toFixed(2)).join(', ')}]  accuracy ${x.accuracy.toFixed(3)} (majority ${x.majorityAccuracy.toFixed(3)})  test +${x.testPositives}/-${x.testNegatives}`,
        );
      }
    }
    console.log(
      '\nreference (issue 4): linear TF-IDF + structure AUC 0.76 / 0.56; length alone 0.57 / 0.68; target ≥ 0.80 / ≥ 0.70',
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function structureOnlyCombine(dir: string) {
  const combiner = createQualityCombiner(
    parseQualityCombinerSpec(JSON.parse(readFileSync(path.join(dir, 'quality_combiner.json'), 'utf8'))),
    false,
  );
  return (q: number, f: Float64Array) => combiner.combine(q, f);
}
