/**
 * `npm run build` (also run by `npm install`): bundles the app into dist/ with esbuild, so `npm start` runs plain
 * JavaScript instead of transpiling TypeScript at every start. Our sources and most packages become a few files
 * (the entry points and content-hashed chunks, one per lazily imported part): Node then opens a handful of files
 * instead of hundreds, and never runs its CommonJS export scanner, which was most of what start-up spent loading
 * modules. The packages in EXTERNAL stay in node_modules and load as usual, each for the reason given there.
 *
 * dist/build.json lists every source file that went in, with its size and modification time: the launcher
 * (bots/start.ts) compares them at start and rebuilds first when a source changed, so `npm start` never runs stale
 * code after an edit or a `git pull`. Files are written under temporary names and renamed into place, so a process
 * starting while another one rebuilds reads either the old build or the new one, never half a file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildResult, Plugin } from 'esbuild';
import { projectRoot } from '../adapters/shared/project-root.ts';

export const DIST_DIR = path.join(projectRoot, 'dist');
export const MANIFEST_FILE = path.join(DIST_DIR, 'build.json');
const CHUNKS = 'chunks';

/** Packages that cannot or should not be bundled. */
const EXTERNAL = [
  // Native addons.
  'better-sqlite3',
  '@resvg/resvg-js',
  'onnxruntime-node',
  'sharp',
  // The web panel's session encryption (libsodium, through @fastify/secure-session).
  'sodium-native',
  // Load files of their own by path: a model runtime with native parts, the schema engine's .wasm,
  // pino's transport workers, esbuild's binary.
  '@huggingface/transformers',
  '@prisma/schema-engine-wasm',
  'pino',
  'esbuild',
  // Platform SDKs and the PostgreSQL driver: loaded only when that platform or provider is used, with optional
  // native dependencies (zlib-sync, bufferutil, pg-native) they look for at run time.
  'discord.js',
  '@discordjs/*',
  '@slack/bolt',
  'telegraf',
  'pg',
  '@prisma/adapter-pg',
  // Loaded on first use only (the first feed fetch, the first feed document), so they cost a start nothing:
  // feedsmith through its CommonJS build (core/content/feed-document.ts), undici by a dynamic import that would
  // lose its named exports if its CommonJS were bundled.
  'feedsmith',
  'undici',
];
/** Bundled CommonJS code calls require() for Node's own modules; ESM has none, so each chunk gets one. */
const REQUIRE_SHIM =
  "import { createRequire as __cohortRequire } from 'node:module'; const require = __cohortRequire(import.meta.url);";
/** Beyond the sources the build saw: a dependency change (npm install) means rebuilding too. */
const EXTRA_INPUTS = ['package-lock.json'];
/** Chunks no build refers to any more are deleted after a day: a process started earlier may still import them. */
const STALE_CHUNK_MS = 86_400_000;

/**
 * Prisma's query compiler ships as a module holding the WebAssembly as a 4.4 MB base64 string, which V8 parses at
 * every start before it is decoded (~40 ms of CPU and ~15 MiB that stay resident). The bundle instead reads the
 * decoded bytes from a .wasm file beside the chunks; the generated client passes them to Buffer.from(…, 'base64'),
 * which copies a Buffer unchanged.
 */
const QUERY_COMPILER_WASM = /query_compiler_\w+_bg\.\w+\.wasm-base64\.mjs$/;

interface WasmAsset {
  file: string;
  bytes: Buffer;
}

function queryCompilerWasmFromFile(assets: WasmAsset[]): Plugin {
  return {
    name: 'query-compiler-wasm-file',
    setup(build) {
      build.onLoad({ filter: QUERY_COMPILER_WASM }, async (args) => {
        const { wasm } = (await import(pathToFileURL(args.path).href)) as { wasm: string };
        const bytes = Buffer.from(wasm, 'base64');
        const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
        const name = `${path.basename(args.path, '.wasm-base64.mjs')}-${hash}.wasm`;
        assets.push({ file: path.join(DIST_DIR, CHUNKS, name), bytes });
        return {
          contents: [
            "import { readFileSync } from 'node:fs';",
            `export const wasm = readFileSync(new URL(${JSON.stringify(`./${name}`)}, import.meta.url));`,
          ].join('\n'),
          loader: 'js',
        };
      });
    },
  };
}

export interface BuildManifest {
  builtAt: string;
  /** Project-relative source path → size and mtime, as the build saw them. */
  inputs: Record<string, { size: number; mtimeMs: number }>;
}

/** The bundle in memory, with its metafile: what buildApp writes, and what a test reads to see what loads when. */
export async function bundleApp(): Promise<{
  result: BuildResult<{ metafile: true; write: false }>;
  wasmAssets: WasmAsset[];
}> {
  // esbuild is imported here, not at the top: the launcher loads this module only when it has to rebuild.
  const { build } = await import('esbuild');
  const wasmAssets: WasmAsset[] = [];
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: { main: 'bots/main.ts', start: 'bots/start.ts' },
    outdir: DIST_DIR,
    entryNames: '[name]',
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: REQUIRE_SHIM },
    sourcemap: 'linked',
    metafile: true,
    write: false,
    plugins: [queryCompilerWasmFromFile(wasmAssets)],
    logLevel: 'warning',
  });
  return { result, wasmAssets };
}

export async function buildApp(): Promise<{ files: number; inputs: number; ms: number }> {
  const started = performance.now();
  const { result, wasmAssets } = await bundleApp();
  mkdirSync(path.join(DIST_DIR, CHUNKS), { recursive: true });
  const suffix = `.tmp-${process.pid}-${randomUUID().slice(0, 8)}`;
  // Chunks first, entry points after them, the manifest last: whatever a reader finds is complete.
  const ordered = [
    ...wasmAssets.map((asset) => ({ path: asset.file, contents: asset.bytes })),
    ...[...result.outputFiles].sort((a, b) => rank(a.path) - rank(b.path)),
  ];
  for (const file of ordered) {
    writeFileSync(file.path + suffix, file.contents);
    renameSync(file.path + suffix, file.path);
  }
  const inputs: BuildManifest['inputs'] = {};
  for (const input of [...Object.keys(result.metafile.inputs), ...EXTRA_INPUTS]) {
    if (input.includes('node_modules/')) continue;
    const stat = statSync(path.join(projectRoot, input));
    inputs[input] = { size: stat.size, mtimeMs: stat.mtimeMs };
  }
  const manifest: BuildManifest = { builtAt: new Date().toISOString(), inputs };
  writeFileSync(MANIFEST_FILE + suffix, JSON.stringify(manifest));
  renameSync(MANIFEST_FILE + suffix, MANIFEST_FILE);
  pruneChunks(new Set(ordered.map((f) => f.path)));
  return {
    files: ordered.length,
    inputs: Object.keys(inputs).length,
    ms: Math.round(performance.now() - started),
  };
}

function rank(file: string): number {
  return file.includes(`${path.sep}${CHUNKS}${path.sep}`) ? 0 : 1;
}

function pruneChunks(current: Set<string>): void {
  const dir = path.join(DIST_DIR, CHUNKS);
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (current.has(file)) continue;
    try {
      if (Date.now() - statSync(file).mtimeMs > STALE_CHUNK_MS) rmSync(file, { force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

// Run as a script (`tsx bots/build.ts`); the launcher bundles this module too, where this file name never matches.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && import.meta.url.endsWith('/bots/build.ts')) {
  const { files, inputs, ms } = await buildApp();
  console.log(`built dist/ (${files} files from ${inputs} sources) in ${ms} ms`);
}
