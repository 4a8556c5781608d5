import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleApp } from '../../bots/build.ts';

/**
 * What the console sandbox loads before its first reply, read from the real bundle's metafile: the entry point, the
 * run chunk it imports, and everything those import statically (a dynamic import loads only when its code runs).
 * The platform SDKs, pg-boss and the PostgreSQL driver once loaded with every start and were most of its time and
 * ~40 MiB of its memory; the query compiler's WebAssembly was parsed from a 4.4 MB base64 string.
 */
let metafile: Metafile;

beforeAll(async () => {
  ({ metafile } = (await bundleApp()).result);
}, 120_000);

/** Outputs and external packages reached from the given outputs through static imports and top-level requires. */
function staticClosure(roots: string[]): { outputs: Set<string>; externals: Set<string> } {
  const outputs = new Set<string>();
  const externals = new Set<string>();
  const visit = (output: string) => {
    if (outputs.has(output)) return;
    outputs.add(output);
    for (const edge of metafile.outputs[output]?.imports ?? []) {
      if (edge.kind === 'dynamic-import') continue;
      if (edge.external) externals.add(edge.path);
      else visit(edge.path);
    }
  };
  for (const root of roots) visit(root);
  return { outputs, externals };
}

function outputOf(entryPoint: string): string {
  const found = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === entryPoint);
  if (!found) throw new Error(`no output for ${entryPoint}`);
  return found[0];
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string);

describe('the console start loads only what it uses', () => {
  it('loads no platform SDK, no PostgreSQL driver and no job queue for PostgreSQL', () => {
    const { outputs, externals } = staticClosure([outputOf('bots/main.ts'), outputOf('bots/run.ts')]);
    const packages = new Set([...externals].map(packageOf));
    for (const heavy of ['discord.js', '@slack/bolt', 'telegraf', 'pg', '@prisma/adapter-pg', 'onnxruntime-node'])
      expect(packages, heavy).not.toContain(heavy);
    expect([...packages].filter((p) => p.startsWith('@discordjs/'))).toEqual([]);
    const bundled = [...outputs].flatMap((o) => Object.keys(metafile.outputs[o]?.inputs ?? {}));
    expect(bundled.filter((input) => /node_modules\/(pg-boss|fastify|echarts)\//.test(input))).toEqual([]);
  });

  it('reads the query compiler from a .wasm file instead of a base64 module', () => {
    const wasmModules = Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs).filter(([input]) => input.endsWith('.wasm-base64.mjs')),
    );
    expect(wasmModules.length).toBeGreaterThan(0);
    for (const [input, { bytesInOutput }] of wasmModules) expect(bytesInOutput, input).toBeLessThan(500);
  });
});
