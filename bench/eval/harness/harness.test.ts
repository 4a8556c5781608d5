import { describe, expect, it } from 'vitest';
import { option, parseEvalArgs, seedList, shareOption } from './args.ts';
import { protocolReport } from './report.ts';
import { clusterMean, compareSites, identity, meanOf } from './stats.ts';
import { chooseOnValidation, timeSplit } from './validation.ts';

describe('eval arguments', () => {
  it('takes several --data folders, seeds and task options', () => {
    const a = parseEvalArgs(['--data', '/a', '--data=/b', '--json', '--seeds', '5', '--mmr', '0.7', 'target=rank']);
    expect(a.datasets).toEqual(['/a', '/b']);
    expect(a.data).toBe('/a');
    expect(a.json).toBe(true);
    expect(a.seeds).toBe(5);
    expect(option(a, 'mmr')).toBe('0.7');
    expect(a.extra).toEqual(['target=rank']);
    expect(seedList(a)).toEqual([42, 43, 44, 45, 46]);
  });

  it('reads a share option and refuses one outside (0, 1)', () => {
    expect(shareOption(parseEvalArgs(['--validation-share', '0.35']), 'validation-share', 0.5)).toBe(0.35);
    expect(shareOption(parseEvalArgs(['--validation-share=0.6']), 'validation-share', 0.5)).toBe(0.6);
    expect(shareOption(parseEvalArgs([]), 'validation-share', 0.5)).toBe(0.5);
    for (const bad of ['0', '1', '1.5', 'half']) {
      expect(() => shareOption(parseEvalArgs(['--validation-share', bad]), 'validation-share', 0.5)).toThrow(
        /validation-share/,
      );
    }
  });

  it('defaults to three seeds', () => {
    expect(parseEvalArgs([]).seeds).toBe(3);
  });
});

describe('paired intervals', () => {
  it('finds a consistent small gain that unpaired intervals would hide', () => {
    const n = 400;
    const base = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 100) / 100);
    const better = base.map((v) => v + 0.02);
    const r = compareSites([{ units: n, seeds: [{ a: better, b: base }] }], [{ method: 'a', baseline: 'b' }], {
      seed: 1,
      resamples: 300,
    });
    const site = r.sites[0]!;
    // The method intervals overlap …
    expect(site.figures.a!.low).toBeLessThan(site.figures.b!.high);
    // … but the paired gain is exactly +0.02 in every resample.
    expect(site.gains['a vs b']!.mean).toBeCloseTo(0.02, 9);
    expect(site.gains['a vs b']!.low).toBeCloseTo(0.02, 9);
  });

  it('averages seeds and pools sites with equal weight', () => {
    const s1 = { units: 2, seeds: [{ a: Float64Array.from([1, 1]) }, { a: Float64Array.from([0, 0]) }] };
    const s2 = { units: 3, seeds: [{ a: Float64Array.from([1, 1, 1]) }] };
    const r = compareSites([s1, s2], [], { seed: 1, resamples: 50 });
    expect(r.sites[0]!.figures.a!.mean).toBeCloseTo(0.5);
    expect(r.sites[0]!.seedRange.a).toEqual([0, 1]);
    expect(r.pooled.figures.a!.mean).toBeCloseTo(0.75);
  });

  it('resamples clusters, not observations', () => {
    const stat = clusterMean([1, 1, 1, 0], [0, 0, 0, 1], 2);
    expect(stat(identity(2))).toBeCloseTo(0.75);
    expect(stat(Int32Array.from([1, 1]))).toBe(0);
    expect(meanOf([2, 4])(Int32Array.from([1, 1]))).toBe(4);
  });

  it('builds per-site, pooled and gain entries for the JSON report', () => {
    const report = protocolReport(
      { name: 'p', description: 'd', primary: 'm', comparisons: [{ method: 'a', baseline: 'b' }] },
      [
        {
          site: 'x',
          unitName: 'members',
          units: 2,
          metrics: { m: [{ a: Float64Array.from([1, 0]), b: Float64Array.from([0, 0]) }] },
        },
        {
          site: 'y',
          unitName: 'members',
          units: 2,
          metrics: { m: [{ a: Float64Array.from([1, 1]), b: Float64Array.from([1, 0]) }] },
        },
      ],
      { seed: 3, resamples: 100 },
    );
    expect(report.sites.map((s) => s.site)).toEqual(['x', 'y']);
    expect(report.sites[0]!.gains.m!['a vs b']!.mean).toBeCloseTo(0.5);
    expect(report.pooled.methods.a!.m!.mean).toBeCloseTo(0.75);
    expect(report.pooled.gains.m!['a vs b']!.mean).toBeCloseTo(0.5);
  });
});

describe('validation slice', () => {
  it('puts validation at the end of the training period, before the test fifth', () => {
    const s = timeSplit([0, 100]);
    expect(s.testStart).toBe(80);
    expect(s.validationStart).toBe(64);
    expect(chooseOnValidation([1, 2, 3], (x) => -Math.abs(x - 2)).best).toBe(2);
  });

  it('takes the last half of the training period with validationShare 0.5', () => {
    const s = timeSplit([0, 50, 100], { validationShare: 0.5 });
    expect(s.testStart).toBe(80);
    expect(s.validationStart).toBe(40);
  });
});
