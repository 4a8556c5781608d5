/**
 * `npm run eval -- <name> --data A [--data B …] [--json] [--seeds N]` runs bench/eval/<name>.eval.ts.
 * Each evaluation module exports `run(args: EvalArgs): Promise<void>` and prints its own report; the shared
 * parsing, seed loop, intervals and printing live in bench/eval/harness/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type EvalArgs, parseEvalArgs } from './harness/args.ts';

export type { EvalArgs };

const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);

const file = name ? path.join(here, `${name}.eval.ts`) : '';
if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(file)) {
  console.error(
    'usage: npm run eval -- <name> --data <path> [--data <path> …] [--json] [--seeds N]   (name: one of bench/eval/*.eval.ts)',
  );
  process.exit(2);
}
const mod = (await import(pathToFileURL(file).href)) as { run(args: EvalArgs): Promise<void> };
await mod.run(parseEvalArgs(rest));
