import { describe, expect, it } from 'vitest';
import { seededRandom } from '../ports/random.ts';
import { groupMembers, nearestGroup } from './groups.ts';

/** Three well-separated blobs of members in 4 dimensions, each with its own topics. */
function blobs(perBlob: number) {
  const random = seededRandom(11);
  const centres = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
  ];
  const names = [
    ['data', 'sql'],
    ['design', 'ux'],
    ['investing', 'finance'],
  ];
  const vectors: Float32Array[] = [];
  const topics: Map<string, number>[] = [];
  for (let b = 0; b < 3; b++) {
    for (let i = 0; i < perBlob; i++) {
      vectors.push(Float32Array.from(centres[b] as number[], (c) => c + (random() - 0.5) * 0.2));
      topics.push(
        new Map([
          [names[b]![0]!, 0.7],
          [names[b]![1]!, 0.3],
        ]),
      );
    }
  }
  return { vectors, topicsOf: (r: number) => topics[r] ?? new Map<string, number>() };
}

describe('interest groups', () => {
  it('finds the number of groups by silhouette and labels each by its top topics', () => {
    const input = blobs(15);
    const grouping = groupMembers(input, seededRandom(1));
    expect(grouping.k).toBe(3);
    expect(grouping.silhouette).toBeGreaterThan(0.7);
    const labels = grouping.groups.map((g) => g.label.join(',')).sort();
    expect(labels).toEqual(['data,sql', 'design,ux', 'investing,finance']);
    // Members of one blob share a group.
    expect(new Set(Array.from(grouping.assignment.slice(0, 15))).size).toBe(1);
    expect(grouping.groups.reduce((s, g) => s + g.size, 0)).toBe(45);
  });

  it('places a new member in the nearest group', () => {
    const input = blobs(10);
    const grouping = groupMembers(input, seededRandom(1));
    const g = nearestGroup(grouping, Float32Array.from([0, 0.1, 0.95, 0]));
    expect(grouping.groups[g]?.label[0]).toBe('investing');
  });

  it('keeps everyone in one group when there are too few members', () => {
    const grouping = groupMembers(
      { vectors: [Float32Array.from([1, 0])], topicsOf: () => new Map([['ai', 1]]) },
      seededRandom(1),
    );
    expect(grouping.k).toBe(1);
    expect(grouping.groups[0]?.label).toEqual(['ai']);
  });
});
