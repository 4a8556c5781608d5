/**
 * `npm run bench -- load`: the load test over the HTTP transports (bench/load/load.ts).
 * `npm run bench -- load --soak 10m` (or `npm run bench:soak`): the soak instead, with a process killed and restarted
 * (bench/load/soak.ts). Neither runs in `npm test`.
 */
import { runLoad } from './load/load.ts';
import { parseDuration, runSoak } from './load/soak.ts';
import type { BenchReport } from './run.ts';

export async function run(report: BenchReport, args: readonly string[] = []): Promise<void> {
  const soak = args.indexOf('--soak');
  if (soak >= 0) return runSoak(report, parseDuration(args[soak + 1] ?? '10m'));
  return runLoad(report);
}
