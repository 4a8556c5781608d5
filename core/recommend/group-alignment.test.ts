import { describe, expect, it } from 'vitest';
import { alignGroups, type Grouping, type InterestGroup } from './groups.ts';

const group = (index: number, label: string[], topics = label): InterestGroup => ({
  index,
  label,
  topics,
  size: 0,
  centroid: new Float32Array(2),
});
const grouping = (assignment: number[], groups: InterestGroup[]): Grouping => ({
  k: groups.length,
  silhouette: 0.5,
  assignment: Int32Array.from(assignment),
  groups,
});
const members = [10, 11, 12, 13, 14, 15];

describe('interest groups across retrains', () => {
  const before = grouping([0, 0, 0, 1, 1, 1], [group(0, ['data', 'sql']), group(1, ['design', 'ux'])]);
  const previous = { groups: before.groups, members: new Map(members.map((m, r) => [m, before.assignment[r]!])) };

  it('gives each new cluster the number and label of the old group it shares most members with', () => {
    // K-means numbered the same two clusters the other way round and swapped two topic weights.
    const retrained = grouping(
      [1, 1, 1, 0, 0, 0],
      [group(0, ['ux', 'design'], ['ux', 'design', 'figma']), group(1, ['sql', 'data'], ['sql', 'data', 'python'])],
    );
    const aligned = alignGroups(previous, retrained, members);
    expect(Array.from(aligned.assignment)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(aligned.groups.map((g) => [g.index, g.label])).toEqual([
      [0, ['data', 'sql']],
      [1, ['design', 'ux']],
    ]);
  });

  it('relabels a group whose old topics no longer lead, and numbers a new group with a free index', () => {
    const retrained = grouping(
      [2, 2, 2, 0, 0, 1],
      [
        group(0, ['design', 'ux']),
        group(1, ['investing', 'finance']),
        group(2, ['ai', 'llm'], ['ai', 'llm', 'python']),
      ],
    );
    const aligned = alignGroups(previous, retrained, members);
    expect(Array.from(aligned.assignment)).toEqual([0, 0, 0, 1, 1, 2]);
    expect(aligned.groups.map((g) => [g.index, g.label])).toEqual([
      [0, ['ai', 'llm']],
      [1, ['design', 'ux']],
      [2, ['investing', 'finance']],
    ]);
  });

  it('changes nothing on the first run', () => {
    const first = grouping([1, 0, 0, 0, 1, 1], [group(0, ['a']), group(1, ['b'])]);
    expect(alignGroups(null, first, members)).toBe(first);
  });
});
