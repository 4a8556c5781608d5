/**
 * `npx tsx bench/load/heap-snapshot-diff.ts <earlier.heapsnapshot> <later.heapsnapshot> [rows]`: what grew between
 * two heap snapshots of one process (the soak writes them with SOAK_HEAP_SNAPSHOTS=1), grouped by node type and
 * constructor name (self sizes and counts; no dominator tree, which is enough to name what accumulates).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Group {
  count: number;
  bytes: number;
}

export function groupByConstructor(file: string): Map<string, Group> {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, Group>();
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt] as number] ?? '?';
    // Strings and code are grouped by type alone: their "name" is their content.
    const name = ['object', 'closure', 'native'].includes(type)
      ? (data.strings[data.nodes[i + nameAt] as number] ?? '?').slice(0, 80)
      : '';
    const key = `${type}${name ? ` ${name}` : ''}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += data.nodes[i + sizeAt] as number;
    groups.set(key, group);
  }
  return groups;
}

if (process.argv[1]?.endsWith('heap-snapshot-diff.ts')) {
  const [earlierFile, laterFile, rowsArg] = process.argv.slice(2);
  if (!earlierFile || !laterFile) throw new Error('usage: heap-snapshot-diff.ts <earlier> <later> [rows]');
  const earlier = groupByConstructor(earlierFile);
  const later = groupByConstructor(laterFile);
  const total = (g: Map<string, Group>) => [...g.values()].reduce((sum, x) => sum + x.bytes, 0);
  const MiB = 2 ** 20;
  console.log(`total self size: ${(total(earlier) / MiB).toFixed(1)} MiB → ${(total(later) / MiB).toFixed(1)} MiB`);
  const rows = [...new Set([...earlier.keys(), ...later.keys()])]
    .map((key) => {
      const a = earlier.get(key) ?? { count: 0, bytes: 0 };
      const b = later.get(key) ?? { count: 0, bytes: 0 };
      return { key, a, b, grew: b.bytes - a.bytes };
    })
    .sort((x, y) => y.grew - x.grew)
    .slice(0, Number(rowsArg ?? 30));
  for (const r of rows)
    console.log(
      `${(r.grew / MiB).toFixed(2).padStart(8)} MiB  ${String(r.a.count).padStart(8)} → ${String(r.b.count).padEnd(8)} ${r.key}`,
    );
}
