/**
 * `npm run bench [-- <filter>]` runs every bench/*.bench.ts and prints their figures.
 * Each suite runs in its own process (with --expose-gc), so one suite's memory cannot colour another's figures.
 * Each module exports `run(report: BenchReport): Promise<void>`; figures are medians over repeats where it matters,
 * because this machine (2 shared cores) is noisy.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
  /** The reference measured in the same run (bare runtime, raw driver, plain loop) and product ÷ reference. */
  reference?: { name: string; value: number; unit: string };
  ratio?: number;
}
export type BenchReport = (figure: BenchFigure) => void;
/** A suite's module: `args` are what followed the filter (`npm run bench -- load --soak 10m` gives `--soak 10m`). */
export type BenchSuite = { run(report: BenchReport, args: readonly string[]): Promise<void> };

const here = path.dirname(fileURLToPath(import.meta.url));
const FIGURE = 'BENCH_FIGURE ';

function print(figure: BenchFigure): void {
  const target = figure.target ? `  (target ${figure.target})` : '';
  const reference = figure.reference
    ? `  [${figure.reference.name}: ${Number(figure.reference.value.toFixed(3))} ${figure.reference.unit}${figure.ratio !== undefined ? `, ratio ${figure.ratio.toFixed(2)}×` : ''}]`
    : '';
  const note = `${reference}${figure.note ? `  — ${figure.note}` : ''}`;
  console.log(`  ${figure.name}: ${Number(figure.value.toFixed(3))} ${figure.unit}${target}${note}`);
}

const suiteArg = process.argv.indexOf('--suite');
if (suiteArg >= 0) {
  // Child: run one suite and hand its figures to the parent on stdout.
  const file = process.argv[suiteArg + 1] as string;
  const mod = (await import(pathToFileURL(file).href)) as BenchSuite;
  await mod.run((figure) => console.log(FIGURE + JSON.stringify(figure)), process.argv.slice(suiteArg + 2));
  process.exit(0);
}

// `npm run bench -- [filter] [suite options…] [--json]`: with --json the figures are also printed as one JSON
// document at the end; options after the filter go to the suites (`npm run bench -- load --soak 10m`).
const args = process.argv.slice(2);
const json = args.includes('--json');
const filter = args.find((a) => !a.startsWith('--'));
const suiteArgs = args.slice(filter ? args.indexOf(filter) + 1 : 0).filter((a) => a !== '--json');
const collected: (BenchFigure & { suite: string })[] = [];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();
let count = 0;
let failed = 0;
for (const file of files) {
  const suite = file.replace('.bench.ts', '');
  console.log(`\n## ${suite}`);
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--suite', path.join(here, file), ...suiteArgs],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: process.env, maxBuffer: 64 * 2 ** 20 },
  );
  for (const line of child.stdout.split('\n')) {
    if (line.startsWith(FIGURE)) {
      const figure = JSON.parse(line.slice(FIGURE.length)) as BenchFigure;
      print(figure);
      collected.push({ suite, ...figure });
      count++;
    } else if (line.trim()) console.log(`  ${line}`);
  }
  if (child.status !== 0) {
    failed++;
    console.log(`  (suite exited with ${child.status ?? child.signal})`);
  }
}
if (json) console.log(JSON.stringify({ figures: collected }, null, 2));
console.log(`\n${count} figures from ${files.length} suites${failed ? `, ${failed} failed` : ''}`);
process.exit(failed ? 1 : 0);
