/**
 * `npm run bench [-- <filter>]` runs every bench/*.bench.ts and prints their figures.
 * Each module exports `run(report: BenchReport): Promise<void>`; figures are medians over repeats where it matters,
 * because this machine (2 shared cores) is noisy.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}
export type BenchReport = (figure: BenchFigure) => void;

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

const all: (BenchFigure & { suite: string })[] = [];
for (const file of files) {
  const suite = file.replace('.bench.ts', '');
  console.log(`\n## ${suite}`);
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run(report: BenchReport): Promise<void> };
  await mod.run((figure) => {
    all.push({ suite, ...figure });
    const target = figure.target ? `  (target ${figure.target})` : '';
    const note = figure.note ? `  — ${figure.note}` : '';
    console.log(`  ${figure.name}: ${Number(figure.value.toFixed(3))} ${figure.unit}${target}${note}`);
  });
}
console.log(`\n${all.length} figures from ${files.length} suites`);
