import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The command line every evaluation shares: `npm run eval -- <task> --data A [--data B …] [--json] [--seeds N]
 * [--seed S] [--resamples R] [task options…]`. Several `--data` folders make one run over several communities;
 * figures are means over `--seeds` seeds (at least 3 unless the task is deterministic).
 */
export interface EvalArgs {
  /** The first `--data` folder (kept for tasks that read one site). */
  data: string | undefined;
  /** Every `--data` folder, resolved, in the order given. */
  datasets: string[];
  /** The base seed; seed k of a run is `seed + k`. */
  seed: number;
  /** How many seeds the figures are averaged over. */
  seeds: number;
  /** Bootstrap resamples per interval. */
  resamples: number;
  json: boolean;
  /** Positional words after the task name (e.g. `target=rank`). */
  extra: string[];
  /** Raw arguments after the task name, for task-specific `--name value` options. */
  argv: string[];
}

export const MIN_SEEDS = 3;

export function parseEvalArgs(argv: readonly string[]): EvalArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string', multiple: true },
      seed: { type: 'string', default: '42' },
      seeds: { type: 'string', default: String(MIN_SEEDS) },
      resamples: { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: false,
  });
  const list = (values.data ?? []) as unknown[];
  const datasets = list.filter((d): d is string => typeof d === 'string').map((d) => path.resolve(d));
  const int = (v: unknown, fallback: number, min: number) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= min ? n : fallback;
  };
  // Values of task options (`--mmr 0.85`) arrive as positionals too: a word right after a `--flag` (other than a
  // known switch) is that flag's value; `key=value` words are always positional.
  const switches = new Set(['--json', '--demo', '--uniform-weights', '--choose']);
  const extra = positionals.filter((p) => {
    if (p.includes('=')) return true;
    const i = argv.indexOf(p);
    const before = i > 0 ? argv[i - 1] : undefined;
    return !(before?.startsWith('--') && !before.includes('=') && !switches.has(before));
  });
  return {
    data: datasets[0],
    datasets,
    seed: int(values.seed, 42, 0),
    seeds: int(values.seeds, MIN_SEEDS, 1),
    resamples: int(values.resamples, 1000, 50),
    json: values.json === true,
    extra,
    argv: [...argv],
  };
}

/** A task option given as `--name value` (or `--name=value`). */
export function option(args: EvalArgs, name: string): string | undefined {
  const flag = `--${name}`;
  for (let i = 0; i < args.argv.length; i++) {
    const a = args.argv[i] as string;
    if (a === flag) return args.argv[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

/**
 * A share of a period given as `--name X` (0 < X < 1), e.g. `--validation-share 0.5`; the fallback when absent. A
 * value outside (0, 1) is refused rather than silently clamped: a run with a wrong split would read as a real one.
 */
export function shareOption(args: EvalArgs, name: string, fallback: number): number {
  const text = option(args, name);
  if (text === undefined) return fallback;
  const share = Number(text);
  if (!(share > 0 && share < 1)) throw new Error(`--${name}: expected a share between 0 and 1, got ${text}`);
  return share;
}

/** The seeds of a run: base, base + 1, … */
export function seedList(args: Pick<EvalArgs, 'seed' | 'seeds'>): number[] {
  return Array.from({ length: args.seeds }, (_, k) => args.seed + k);
}

/** A short label for a data folder: `stackexchange-beer` → `beer`. */
export function siteName(dir: string): string {
  return path.basename(dir).replace(/^stackexchange-/, '');
}
