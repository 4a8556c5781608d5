/**
 * `npm run eval -- <name> [--data <path>] [...]` runs bench/eval/<name>.eval.ts.
 * Each evaluation module exports `run(args: EvalArgs): Promise<void>` and prints its own report.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface EvalArgs {
  data: string | undefined;
  seed: number;
  json: boolean;
  extra: string[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  options: {
    data: { type: 'string' },
    seed: { type: 'string', default: '42' },
    json: { type: 'boolean', default: false },
  },
  allowPositionals: true,
  strict: false,
});

const file = name ? path.join(here, `${name}.eval.ts`) : '';
if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(file)) {
  console.error(`usage: npm run eval -- <name> --data <path>   (name: one of bench/eval/*.eval.ts)`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(file).href)) as { run(args: EvalArgs): Promise<void> };
await mod.run({
  data: typeof values.data === 'string' ? path.resolve(values.data) : undefined,
  seed: Number(values.seed ?? 42),
  json: values.json === true,
  extra: positionals,
});
