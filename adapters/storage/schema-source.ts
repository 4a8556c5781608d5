import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../shared/project-root.ts';

/**
 * One source schema (prisma/schema/*.prisma, written for SQLite) rendered for each provider.
 * Prisma allows one provider per schema, so PostgreSQL gets a copy with the provider and client output swapped.
 */
export type Provider = 'sqlite' | 'postgresql';
export const PROVIDERS: readonly Provider[] = ['sqlite', 'postgresql'];

export const repoRoot = projectRoot;
export const schemaDir = path.join(repoRoot, 'prisma', 'schema');
export const migrationsDir = (provider: Provider) => path.join(repoRoot, 'prisma', 'migrations', provider);

export interface SchemaFile {
  path: string;
  content: string;
}

export function renderSchema(provider: Provider): SchemaFile[] {
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.prisma'))
    .sort()
    .map((file) => {
      let content = readFileSync(path.join(schemaDir, file), 'utf8');
      if (file === 'base.prisma') {
        content = content
          .replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`)
          .replace(/output\s*=\s*"[^"]*"/, `output = "../${provider}"`);
      }
      return { path: file, content };
    });
}
