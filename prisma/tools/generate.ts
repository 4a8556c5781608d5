/**
 * `npm run db:generate` (also run by postinstall): generates the Prisma client for each provider.
 * `prisma generate` never runs the native schema engine, it only checks a file exists, so any existing file
 * satisfies it where the engine cannot be downloaded (see docs/adr/0002-prisma-offline.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROVIDERS, renderSchema, repoRoot } from '../../adapters/storage/schema-source.ts';

const generatedRoot = path.join(repoRoot, 'adapters', 'storage', 'generated');
for (const provider of PROVIDERS) {
  const dir = path.join(generatedRoot, `schema-${provider}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of renderSchema(provider)) writeFileSync(path.join(dir, file.path), file.content);
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', dir],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
    },
  );
  console.log(`prisma client generated for ${provider}`);
}
