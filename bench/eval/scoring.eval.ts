/**
 * `npm run eval -- scoring --data <site> [--data <site> …] [--seeds 3] [--json | --json-out <file>] [--max-posts 6000]`
 * `npm run eval -- scoring --data <site> … --choose [--prior 10,30] [--embedding-pull 30] [--within-kind 0.75]`:
 * the validation grid only (no retraining, no test post scored), how the product defaults are chosen.
 *
 * The quality scorer on real communities, as the product runs it. Per site (a Stack Exchange dump, or the Cofacts
 * data in the same shape: bench/eval/data/cofacts.ts), posts in creation order; test = the newest fifth, the
 * validation slice = the last fifth of the training period. Methods, each scored on the same test posts:
 *   shipped      the shipped cohort-mini scorer as is (model + combiner), the product before any learning;
 *   adapted      the product path: the shipped scorer plus the community's own layer, learned online from the
 *                site's votes as they happened (bench/eval/scoring-replay.ts runs the very code of `content:learn`
 *                once a day of site time) and each post scored by the layer of its moment, calibrated;
 *   retrained    the model trained from scratch on this site's oldest 80% (the builder that makes cohort-mini),
 *                loaded and applied through the product's loader and scorer: the per-site reference;
 *   … structure only   the same without the text (the structure-only combiner): what the text part adds;
 *   length       one logistic feature, log body length, fitted on the training posts.
 * On a site the shipped model was trained on (its config.json says so), `shipped` would have seen the test posts:
 * there the per-site model of the same seed stands in for it (the adapted row then adapts that model).
 * Inputs never include votes, views, answer/comment counts, acceptance or age; the author's activity counts only
 * from before each post. Labels on the test posts: rule 1: Score ≥ 3 vs ≤ 0; rule 2: above/below the post type's
 * training-period median (ties left out). AUC, mean over seeds, 95% bootstrap intervals over test posts, paired.
 * The layer's defaults are the product's (community-layer.ts, community-signals.ts), chosen with `--choose` on the
 * validation slices of the sites the shipped model never saw; a measuring run reports their validation figure too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CohortContentModel, createContentModel } from '../../adapters/ml/index.ts';
import { SHIPPED_MODELS_DIR } from '../../adapters/ml/model-source.ts';
import { DEFAULT_LAYER_OPTIONS, type LayerOptions } from '../../core/content/scoring/community-layer.ts';
import { DEFAULT_LABEL_OPTIONS, type LabelOptions } from '../../core/content/scoring/community-signals.ts';
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
import { trainingData } from '../../scripts/model/training-data.ts';
import { isCofacts, loadCofacts } from './data/cofacts.ts';
import { endOfDay, loadStackExchange, type StackExchangeDump } from './data/stackexchange.ts';
import {
  chooseOnValidation,
  type EvalArgs,
  type Metric,
  option,
  printReport,
  protocolReport,
  type SiteInput,
  seedList,
  siteName,
  type TaskReport,
} from './harness/index.ts';
import { type ReplayPost, type ReplayVote, replayLearning } from './scoring-replay.ts';

type Label = 0 | 1 | null;
interface Scored {
  quality: number;
  features: Float64Array;
  embedding: Float32Array;
}

const RULES = ['rule 1 AUC', 'rule 2 AUC'] as const;
const SHIPPED_DIR = path.join(SHIPPED_MODELS_DIR, 'cohort-mini');
/**
 * The product defaults' grid (`--choose`): the layer's prior strength × the embedding's extra pull × the labels'
 * within-kind weight; `--prior 10,30`, `--embedding-pull 30`, `--within-kind 0.75` narrow it.
 */
const GRID = { prior: [10, 30, 100], embeddingPull: [10, 30], withinKind: [0.5, 0.75, 1] };
const listOption = (args: EvalArgs, name: string, fallback: number[]) =>
  option(args, name)?.split(',').map(Number).filter(Number.isFinite) ?? fallback;

/** AUC over the chosen test posts that the rule labels. */
function aucStatistic(scores: readonly number[], labels: readonly Label[]): Metric {
  return (units) => {
    const s: number[] = [];
    const y: number[] = [];
    for (let k = 0; k < units.length; k++) {
      const i = units[k] as number;
      const label = labels[i];
      if (label === null || label === undefined) continue;
      s.push(scores[i] as number);
      y.push(label);
    }
    const a = auc(s, y);
    return Number.isFinite(a) ? a : 0.5;
  };
}

function loadSite(dir: string, maxPosts: number): StackExchangeDump {
  return isCofacts(dir) ? loadCofacts(dir, { maxPosts }) : loadStackExchange(dir);
}

/** Up and down votes in time order; a Stack Exchange vote carries only its day, so it counts at the day's end. */
function votesOf(dump: StackExchangeDump, exact: boolean): ReplayVote[] {
  return dump.votes
    .filter((v) => v.voteTypeId === 2 || v.voteTypeId === 3)
    .map((v) => ({
      postId: String(v.postId),
      at: exact ? v.creationDate.getTime() : endOfDay(v.creationDate),
      value: v.voteTypeId === 2 ? (1 as const) : (-1 as const),
    }));
}

async function scoreAll(
  model: CohortContentModel,
  folder: string,
  items: readonly SeQualityItem[],
  structureOnly: boolean,
) {
  const combiner = structureOnly ? structureCombiner(folder) : model.qualityCombiner;
  const scorer = createContentScorer({ model, combiner });
  const scored = await scorer.score(items.map((i) => i.input));
  return scored.map(
    (s): Scored => ({ quality: s.quality, features: s.features ?? new Float64Array(0), embedding: s.embedding }),
  );
}

function structureCombiner(folder: string) {
  const spec = parseQualityCombinerSpec(JSON.parse(readFileSync(path.join(folder, 'quality_combiner.json'), 'utf8')));
  return createQualityCombiner(spec, false);
}

function replayPosts(items: readonly SeQualityItem[], scored: readonly Scored[]): ReplayPost[] {
  return items.map((item, i) => ({
    id: String(item.post.id),
    // Questions and answers reach the product as members' posts: one kind, calibrated together.
    kind: 'post',
    publishedAt: item.post.creationDate.getTime(),
    baseQuality: (scored[i] as Scored).quality,
    features: (scored[i] as Scored).features,
    embedding: (scored[i] as Scored).embedding,
  }));
}

/**
 * Replays already run, by the base scores they adapt and their settings: on a site the shipped model never saw,
 * every seed adapts the same shipped scores, so the (deterministic) replay runs once, not once a seed.
 */
const replayCache = new WeakMap<readonly Scored[], Map<string, number[]>>();

/** The adapted score of each post in [from, until) (NaN outside). */
function adapted(
  items: readonly SeQualityItem[],
  scored: readonly Scored[],
  votes: readonly ReplayVote[],
  from: number,
  until: number,
  settings: Settings,
): number[] {
  const key = `${from}:${until}:${JSON.stringify(settings)}`;
  const cached = replayCache.get(scored)?.get(key);
  if (cached) return cached;
  const out = replayAdapted(items, scored, votes, from, until, settings);
  const byKey = replayCache.get(scored) ?? new Map<string, number[]>();
  byKey.set(key, out);
  replayCache.set(scored, byKey);
  return out;
}

function replayAdapted(
  items: readonly SeQualityItem[],
  scored: readonly Scored[],
  votes: readonly ReplayVote[],
  from: number,
  until: number,
  settings: Settings,
): number[] {
  const scores = replayLearning(replayPosts(items, scored), votes, { from, until, ...settings });
  return items.map((item) => scores.get(String(item.post.id)) ?? Number.NaN);
}

/** Length alone: one logistic feature (log body length) fitted on the training posts' labels for the rule. */
function lengthBaseline(
  train: SeQualityItem[],
  all: SeQualityItem[],
  label: (i: SeQualityItem) => Label,
  seed: number,
) {
  const feature = (i: SeQualityItem) => Float64Array.from([Math.log1p(bodyText(i.input.html).length) - 7]);
  const none = { sparseIdx: new Int32Array(0), sparseVal: new Float32Array(0) };
  const examples: Example[] = train.flatMap((i) => {
    const y = label(i);
    return y === null ? [] : [{ ...none, dense: feature(i), y }];
  });
  const m = trainLogistic(examples, {
    nSparse: 0,
    nDense: 1,
    l2Sparse: 0,
    l2Dense: 0,
    steps: 500,
    learningRate: 0.05,
    random: seededRandom(seed),
  });
  return all.map((i) => 1 / (1 + Math.exp(-predictLogit(m, { ...none, dense: feature(i), y: 0 }))));
}

const meanAuc = (scores: readonly number[], items: readonly SeQualityItem[], rules: ((i: SeQualityItem) => Label)[]) =>
  rules.reduce((sum, rule) => {
    const s: number[] = [];
    const y: number[] = [];
    items.forEach((item, k) => {
      const label = rule(item);
      const v = scores[k] as number;
      if (label === null || !Number.isFinite(v)) return;
      s.push(v);
      y.push(label);
    });
    const a = auc(s, y);
    return sum + (Number.isFinite(a) ? a : 0.5) / rules.length;
  }, 0);

/** The product defaults the eval chooses among: the layer's and the labels'. */
interface Settings {
  layer: LayerOptions;
  labels: LabelOptions;
}

const PRODUCT_DEFAULTS: Settings = { layer: DEFAULT_LAYER_OPTIONS, labels: DEFAULT_LABEL_OPTIONS };
const structureOnly = (s: Settings): Settings => ({ ...s, layer: { ...s.layer, useEmbedding: false } });
const settingName = (s: Settings) =>
  `prior ${s.layer.priorStrength}, embedding pull ×${s.layer.embeddingPriorScale}, withinKind ${s.labels.withinKind}`;

interface Site {
  dir: string;
  name: string;
  items: SeQualityItem[];
  votes: ReplayVote[];
  cut: number;
  validationCut: number;
  seenByShipped: boolean;
  shipped: Scored[];
  shippedStructure: Scored[];
}

export async function run(args: EvalArgs): Promise<void> {
  if (args.datasets.length === 0)
    throw new Error('usage: npm run eval -- scoring --data <site folder> [--data <site folder> …] [--json]');
  const maxPosts = Number(option(args, 'max-posts') ?? 6000);
  const shippedModel = await createContentModel({ name: 'cohort-mini', allowRemote: false, log: silentLogger });
  const trainedOn = String(
    (
      JSON.parse(readFileSync(path.join(SHIPPED_DIR, 'config.json'), 'utf8')) as {
        cohort?: { trainedOn?: string };
      }
    ).cohort?.trainedOn ?? '',
  );
  const sites: Site[] = [];
  for (const dir of args.datasets) {
    const dump = loadSite(dir, maxPosts);
    const items = seQualityItems(dump);
    const cut = Math.floor(items.length * 0.8);
    sites.push({
      dir,
      name: siteName(dir),
      items,
      votes: votesOf(dump, isCofacts(dir)),
      cut,
      validationCut: Math.floor(cut * 0.8),
      seenByShipped: trainedOn.includes(path.basename(dir)),
      shipped: await scoreAll(shippedModel, SHIPPED_DIR, items, false),
      shippedStructure: await scoreAll(shippedModel, SHIPPED_DIR, items, true),
    });
  }

  // The product defaults (prior strength, within-kind weight), chosen on the validation slices only: the last fifth
  // of each site's training period, scored by a replay that stops at the training cut (no test post, no vote cast
  // after the cut), rule-2 medians from before the slice. Sites the shipped model was trained on are left out (it
  // saw their validation posts). One setting for every community: the mean over sites of both rules' mean AUC; on a
  // tie, the earlier candidate (the stronger prior, then the smaller within-kind weight).
  const unseen = sites.filter((s) => !s.seenByShipped);
  const choosing = args.argv.includes('--choose');
  const grid: Settings[] = choosing
    ? listOption(args, 'prior', GRID.prior)
        .flatMap((priorStrength) =>
          listOption(args, 'embedding-pull', GRID.embeddingPull).flatMap((embeddingPriorScale) =>
            listOption(args, 'within-kind', GRID.withinKind).map((withinKind) => ({
              layer: { ...DEFAULT_LAYER_OPTIONS, priorStrength, embeddingPriorScale },
              labels: { ...DEFAULT_LABEL_OPTIONS, withinKind },
            })),
          ),
        )
        .sort(
          (a, b) =>
            b.layer.priorStrength - a.layer.priorStrength ||
            b.layer.embeddingPriorScale - a.layer.embeddingPriorScale ||
            a.labels.withinKind - b.labels.withinKind,
        )
    : // A measuring run scores the product defaults on the validation slices too (the grid is `--choose`'s).
      [PRODUCT_DEFAULTS];
  const validationPerSite: Record<string, Record<string, number>> = {};
  const validation = chooseOnValidation(grid, (settings) => {
    const perSite = unseen.map((site) => {
      const start = site.items[site.validationCut] as SeQualityItem;
      const end = site.items[site.cut] as SeQualityItem;
      const medians = typeMedians(site.items.slice(0, site.validationCut));
      const slice = site.items.slice(site.validationCut, site.cut);
      const scores = adapted(
        site.items,
        site.shipped,
        site.votes,
        start.post.creationDate.getTime(),
        end.post.creationDate.getTime(),
        settings,
      ).slice(site.validationCut, site.cut);
      const value = meanAuc(scores, slice, [
        (i) => labelByThreshold(i.post.score),
        (i) => labelByMedian(i.post, medians),
      ]);
      process.stderr.write(`validation ${settingName(settings)} · ${site.name}: ${value.toFixed(4)}\n`);
      const row = validationPerSite[settingName(settings)] ?? {};
      row[site.name] = value;
      validationPerSite[settingName(settings)] = row;
      return value;
    });
    return perSite.reduce((a, b) => a + b, 0) / Math.max(1, perSite.length);
  });
  const validationNote = {
    chosenOn: unseen.map((s) => s.name),
    best: settingName(validation.best),
    productDefault: settingName(PRODUCT_DEFAULTS),
    defaultIsBest: settingName(validation.best) === settingName(PRODUCT_DEFAULTS),
    scores: validation.scores.map((s) => ({
      setting: settingName(s.candidate),
      mean: s.score,
      perSite: validationPerSite[settingName(s.candidate)],
    })),
  };
  if (choosing) {
    // `--choose`: the validation grid only (no retraining, no test post scored): how the product defaults are set.
    console.log(JSON.stringify(validationNote, null, 2));
    return;
  }
  // The test figures are the product's own defaults (set from this grid, see ADR 0010), never re-chosen here.
  const settings = PRODUCT_DEFAULTS;

  const inputs: SiteInput[] = [];
  const notes: Record<string, unknown> = {};
  for (const site of sites) {
    const { items, cut } = site;
    const train = items.slice(0, cut);
    const test = items.slice(cut);
    const medians = typeMedians(train);
    const rules = [
      (i: SeQualityItem) => labelByThreshold(i.post.score),
      (i: SeQualityItem) => labelByMedian(i.post, medians),
    ];
    const labels = rules.map((rule) => test.map(rule));
    const from = (test[0] as SeQualityItem).post.creationDate.getTime();
    const perSeed: Record<string, Record<string, Metric>>[] = [];
    const builds: unknown[] = [];
    for (const seed of seedList(args)) {
      const outDir = mkdtempSync(path.join(os.tmpdir(), 'cohort-scoring-eval-'));
      try {
        const report = await buildCohortMini(
          trainingData({
            dump: null,
            items: train,
            sentences: [],
            until: (test[0] as SeQualityItem).post.creationDate,
            target: 'local-rank',
            description: `eval: oldest 80% of ${site.name}`,
          }),
          { outDir, seed, log: silentLogger },
        );
        builds.push({
          seed,
          textBeyondLength: report.qualityUsesTextBeyondLength,
          authorHistory: report.qualityUsesAuthorHistory,
          questionOffset: report.qualityQuestionOffset?.offset ?? null,
        });
        const model = await createContentModel({ name: outDir, allowRemote: false, log: silentLogger });
        const retrained = await scoreAll(model, outDir, items, false);
        const retrainedStructure = await scoreAll(model, outDir, items, true);
        await model.dispose();
        const base = site.seenByShipped ? retrained : site.shipped;
        const baseStructure = site.seenByShipped ? retrainedStructure : site.shippedStructure;
        const until = Number.POSITIVE_INFINITY;
        const methods: Record<string, number[]> = {
          shipped: base.slice(cut).map((s) => s.quality),
          adapted: adapted(items, base, site.votes, from, until, settings).slice(cut),
          'adapted structure only': adapted(
            items,
            baseStructure,
            site.votes,
            from,
            until,
            structureOnly(settings),
          ).slice(cut),
          retrained: retrained.slice(cut).map((s) => s.quality),
          'retrained structure only': retrainedStructure.slice(cut).map((s) => s.quality),
        };
        const metrics: Record<string, Record<string, Metric>> = {};
        RULES.forEach((metric, r) => {
          const ruleLabels = labels[r] as Label[];
          const row: Record<string, Metric> = {};
          for (const [method, scores] of Object.entries(methods)) row[method] = aucStatistic(scores, ruleLabels);
          row.length = aucStatistic(
            lengthBaseline(train, items, rules[r] as (i: SeQualityItem) => Label, seed).slice(cut),
            ruleLabels,
          );
          metrics[metric] = row;
        });
        perSeed.push(metrics);
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
    }
    notes[site.name] = {
      posts: items.length,
      train: cut,
      test: test.length,
      cut: (test[0] as SeQualityItem).post.creationDate.toISOString(),
      rule1: {
        positives: labels[0]?.filter((l) => l === 1).length,
        negatives: labels[0]?.filter((l) => l === 0).length,
      },
      rule2: {
        positives: labels[1]?.filter((l) => l === 1).length,
        negatives: labels[1]?.filter((l) => l === 0).length,
      },
      shippedStand_in: site.seenByShipped ? 'per-site model (the shipped model was trained on this site)' : null,
      builds,
    };
    inputs.push({
      site: site.name,
      data: site.dir,
      unitName: 'test posts',
      units: test.length,
      metrics: Object.fromEntries(
        RULES.map((metric) => [metric, perSeed.map((m) => m[metric] as Record<string, Metric>)]),
      ),
      notes: notes[site.name] as Record<string, unknown>,
    });
  }
  await shippedModel.dispose();

  const comparisons = [
    { method: 'adapted', baseline: 'retrained' },
    { method: 'adapted', baseline: 'shipped' },
    { method: 'adapted', baseline: 'length' },
    { method: 'adapted', baseline: 'adapted structure only' },
    { method: 'retrained', baseline: 'retrained structure only' },
  ];
  const protocols = RULES.map((metric) =>
    protocolReport(
      {
        name: metric.replace(' AUC', ''),
        description:
          metric === 'rule 1 AUC'
            ? 'good = Score ≥ 3, bad = Score ≤ 0 (the rest left out)'
            : "above/below the post type's training-period median (ties left out)",
        primary: metric,
        comparisons,
      },
      inputs.map((s) => ({ ...s, metrics: { [metric]: s.metrics[metric] ?? [] } })),
      { seed: args.seed, resamples: args.resamples },
    ),
  );
  const report: TaskReport = {
    task: 'scoring',
    seeds: seedList(args),
    resamples: args.resamples,
    confidence: 0.95,
    protocols,
    notes: {
      layer: settings.layer,
      labels: settings.labels,
      validation: validationNote,
      replay: 'content:learn once a day of site time; votes at their time (Stack Exchange: the end of their day)',
      goals: 'adapted within 0.02 of retrained on every site; rule 1 ≥ 0.80 and rule 2 ≥ 0.75 on QC and Beer',
    },
  };
  if (args.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  // `--json-out <file>` keeps the JSON of a printed run too (one run of this eval takes minutes).
  const jsonOut = option(args, 'json-out');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2));
  printReport(report);
  console.log(
    `\nproduct defaults: ${validationNote.productDefault}; best on the validation slices of ${validationNote.chosenOn.join(', ') || '(none)'}: ${validationNote.best}`,
  );
  for (const s of validationNote.scores)
    console.log(`  ${s.setting}: ${s.mean.toFixed(4)} ${JSON.stringify(s.perSite)}`);
  for (const [name, n] of Object.entries(notes)) console.log(`${name}: ${JSON.stringify(n)}`);
}
