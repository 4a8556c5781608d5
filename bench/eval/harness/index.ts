/** The evaluation harness shared by every `npm run eval` task (see bench/eval/harness/README.md). */
export { type EvalArgs, MIN_SEEDS, option, parseEvalArgs, seedList, shareOption, siteName } from './args.ts';
export {
  clearlyAbove,
  type Figure,
  formatInterval,
  type ProtocolReport,
  printReport,
  protocolReport,
  type SiteInput,
  type SiteReport,
  type TaskReport,
} from './report.ts';
export {
  type Comparison,
  clusterMean,
  compareSites,
  gainKey,
  type Interval,
  identity,
  type Metric,
  mean,
  meanOf,
  percentileInterval,
  resample,
  type Statistic,
} from './stats.ts';
export { chooseOnValidation, countSplit, type TimeSplit, timeSplit } from './validation.ts';
