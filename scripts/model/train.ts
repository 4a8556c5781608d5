/**
 * Reproduces models/cohort-mini from open data:
 *   npm run model:train -- --se <stackexchange dump dir> --sentiment <uci-sentiment dir> [--out models/cohort-mini] [--seed 42]
 * Same inputs and seed give the same files. Training takes well under a minute on two cores.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SHIPPED_MODEL, SHIPPED_MODELS_DIR } from '../../adapters/ml/runtime.ts';
import { loadStackExchange } from '../../bench/eval/data/stackexchange.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { buildCohortMini } from './build.ts';
import { seQualityItems } from './stackexchange-quality.ts';
import { trainingData } from './training-data.ts';
import { loadUciSentiment } from './uci-sentiment.ts';

const { values } = parseArgs({
  options: {
    se: { type: 'string' },
    sentiment: { type: 'string' },
    out: { type: 'string', default: path.join(SHIPPED_MODELS_DIR, SHIPPED_MODEL) },
    seed: { type: 'string', default: '42' },
  },
});
if (!values.se || !values.sentiment) {
  console.error(
    'usage: npm run model:train -- --se <stackexchange dump dir> --sentiment <uci-sentiment dir> [--out dir] [--seed n]',
  );
  process.exit(2);
}

const consoleLogger: Logger = {
  debug: () => {},
  info: (obj, msg) => console.log(msg ?? '', typeof obj === 'string' ? obj : JSON.stringify(obj)),
  warn: (obj, msg) => console.warn(msg ?? '', typeof obj === 'string' ? obj : JSON.stringify(obj)),
  error: (obj, msg) => console.error(msg ?? '', typeof obj === 'string' ? obj : JSON.stringify(obj)),
  child: () => consoleLogger,
};

const dump = loadStackExchange(path.resolve(values.se));
const items = seQualityItems(dump);
const sentences = loadUciSentiment(path.resolve(values.sentiment));
const outDir = path.resolve(values.out);
const report = await buildCohortMini(
  trainingData({
    dump,
    items,
    sentences,
    until: null,
    target: 'local-rank',
    description: `quality: ${path.basename(values.se)} (${items.length} posts, all); sentiment: UCI labelled sentences (${sentences.length})`,
  }),
  { outDir, seed: Number(values.seed), log: consoleLogger },
);
console.log(JSON.stringify(report, null, 2));
console.log(`wrote ${outDir}`);
