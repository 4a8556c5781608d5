import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding Cohort's package.json, found by walking up from this module. The sources run from their own
 * folders under tsx and vitest, and from the bundle in dist/ under `npm start`, so a fixed `../..` would point to
 * the wrong place in one of them. Files shipped beside the code (models/, prisma/) are found from here.
 */
function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cohort')
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`Cohort's package.json not found above ${start}`);
  }
}

export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
