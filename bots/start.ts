/**
 * What `npm start` runs (as dist/start.js, exec'd by npm's shell, so signals reach this process directly).
 * It checks that dist/ was built from the sources as they are now (sizes and modification times in
 * dist/build.json, a few hundred stat calls), rebuilds first if one changed, then runs the app (dist/main.js).
 * Development scripts run the TypeScript sources with tsx instead (`npm run dev`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { projectRoot } from '../adapters/shared/project-root.ts';
import { type BuildManifest, buildApp, MANIFEST_FILE } from './build.ts';

function buildIsCurrent(): boolean {
  // Installed without sources (dist/ only): nothing to compare with.
  if (!existsSync(path.join(projectRoot, 'bots', 'main.ts'))) return true;
  let manifest: BuildManifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as BuildManifest;
  } catch {
    return false;
  }
  for (const [file, seen] of Object.entries(manifest.inputs)) {
    try {
      const stat = statSync(path.join(projectRoot, file));
      if (stat.size !== seen.size || stat.mtimeMs !== seen.mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

// Prisma's query compiler is a 3.3 MB WebAssembly module that runs only when a query shape is first seen (plans are
// cached). Under V8's default tiering every function it runs hot is recompiled with TurboFan on background threads:
// on two shared cores that recompilation competed with start-up itself, and the first queries took ~4× the CPU of
// Liftoff's baseline code alone. Set before any WebAssembly is compiled; no other WebAssembly runs in the bot.
v8.setFlagsFromString('--liftoff-only');

if (!buildIsCurrent()) {
  try {
    await buildApp();
  } catch (error) {
    // esbuild has already printed the error with its file and line.
    process.stderr.write(`Cannot build dist/ from the sources: ${(error as Error).message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
await import(new URL('./main.js', import.meta.url).href);
