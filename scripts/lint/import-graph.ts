/**
 * The layering rule as a check (`npm run lint` runs it): which folder may import which, and no import cycles in core/.
 *
 * - Across the repository: core → adapters → bots. A lower layer never imports a higher one, and nothing the app ships
 *   imports the test, bench or scripts folders.
 * - Inside core/: domain → ports → framework → features. A layer imports only the layers before it (and itself);
 *   a feature folder imports only its own files and the three layers below, never another feature: features meet
 *   through ports.
 * - No import cycle anywhere in core/, type-only imports included (a type cycle is still a knot a reader must untie).
 *
 * Test files (`*.test.ts`) are leaves: they may import anything, and nothing imports them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface Violation {
  file: string;
  imports?: string;
  rule: 'layer' | 'core-layer' | 'feature' | 'cycle' | 'placement';
  message: string;
}

const REPO_LAYERS = ['core', 'adapters', 'bots'] as const;
/** Folders the shipped app must never import. */
const OFF_LIMITS = ['test', 'bench', 'scripts'];
const CORE_LAYERS: Record<string, number> = { domain: 0, ports: 1, framework: 2, i18n: 2 };
/** core/ files that sit at the root of core/ yet belong to a layer. */
const CORE_ROOT_FILES: Record<string, string> = { 'errors.ts': 'domain' };
const FEATURE_LAYER = 3;
const LAYER_NAMES = ['domain', 'ports', 'framework', 'features'];

const isTest = (file: string) => file.endsWith('.test.ts');

/** Where a core file sits: its layer rank and, for features, the feature folder. */
function coreLayer(file: string): { rank: number; feature: string | null } | null {
  const parts = file.split('/');
  if (parts[0] !== 'core' || parts.length < 2) return null;
  if (parts.length === 2) {
    const layer = CORE_ROOT_FILES[parts[1] as string];
    return layer ? { rank: CORE_LAYERS[layer] as number, feature: null } : null;
  }
  const folder = parts[1] as string;
  const rank = CORE_LAYERS[folder];
  return rank !== undefined ? { rank, feature: null } : { rank: FEATURE_LAYER, feature: folder };
}

/** The repository-relative file an import specifier names, or null for packages and node: modules. */
export function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
}

export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Checks a set of files (repository-relative path → source). */
export function checkImportGraph(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) {
    if (isTest(file)) continue;
    const top = file.split('/')[0] as string;
    const rank = REPO_LAYERS.indexOf(top as (typeof REPO_LAYERS)[number]);
    if (rank < 0) continue;
    const here = coreLayer(file);
    if (top === 'core' && !here) {
      violations.push({
        file,
        rule: 'placement',
        message: 'a core file belongs in domain/, ports/, framework/ or a feature folder',
      });
    }
    const edges: string[] = [];
    for (const specifier of importsOf(source)) {
      const target = resolveImport(file, specifier);
      if (!target) continue;
      const targetTop = target.split('/')[0] as string;
      if (OFF_LIMITS.includes(targetTop)) {
        violations.push({ file, imports: target, rule: 'layer', message: `${top}/ must not import ${targetTop}/` });
        continue;
      }
      const targetRank = REPO_LAYERS.indexOf(targetTop as (typeof REPO_LAYERS)[number]);
      if (targetRank > rank) {
        violations.push({
          file,
          imports: target,
          rule: 'layer',
          message: `${top}/ must not import ${targetTop}/ (core → adapters → bots)`,
        });
        continue;
      }
      if (top !== 'core' || targetTop !== 'core') continue;
      edges.push(target);
      const there = coreLayer(target);
      if (!here || !there) continue;
      if (there.rank > here.rank) {
        violations.push({
          file,
          imports: target,
          rule: 'core-layer',
          message: `${LAYER_NAMES[here.rank]} must not import ${LAYER_NAMES[there.rank]} (domain → ports → framework → features)`,
        });
      } else if (here.feature && there.feature && here.feature !== there.feature) {
        violations.push({
          file,
          imports: target,
          rule: 'feature',
          message: `feature ${here.feature} must not import feature ${there.feature}: share a port in core/ports instead`,
        });
      }
    }
    if (top === 'core') graph.set(file, edges);
  }
  for (const cycle of cyclesOf(graph)) {
    violations.push({
      file: cycle[0] as string,
      rule: 'cycle',
      message: `import cycle: ${[...cycle, cycle[0]].join(' → ')}`,
    });
  }
  return violations;
}

/** Strongly connected components with more than one file (or a file importing itself), each as one cycle path. */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, indices.get(next) as number));
      }
    }
    if (low.get(node) !== indices.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(pathThrough(graph, component));
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return cycles;
}

/** One concrete cycle inside a strongly connected component, for a readable message. */
function pathThrough(graph: ReadonlyMap<string, readonly string[]>, component: string[]): string[] {
  const inside = new Set(component);
  const start = [...component].sort()[0] as string;
  const seen = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const next of graph.get(node) ?? []) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const route = [node];
        let back = seen.get(node) ?? null;
        while (back) {
          route.unshift(back);
          back = seen.get(back) ?? null;
        }
        return route;
      }
      if (!seen.has(next)) {
        seen.set(next, node);
        queue.push(next);
      }
    }
  }
  return component;
}

function sourcesUnder(root: string, folders: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'generated' && entry.name !== 'node_modules') walk(rel);
      } else if (entry.name.endsWith('.ts')) files.set(rel, readFileSync(path.join(root, rel), 'utf8'));
    }
  };
  for (const folder of folders) walk(folder);
  return files;
}

/** The repository's shipped folders, read from disk. */
export function repositorySources(root: string): Map<string, string> {
  return sourcesUnder(root, REPO_LAYERS);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const violations = checkImportGraph(repositorySources(root));
  for (const v of violations) console.error(`${v.file}${v.imports ? ` → ${v.imports}` : ''}: ${v.message}`);
  if (violations.length > 0) {
    console.error(`import graph: ${violations.length} violation(s); see docs/CONTRIBUTING.md "Layers".`);
    process.exit(1);
  }
  console.log('import graph: layers and cycles OK');
}
