import { type Comparison, compareSites, gainKey, type Interval, type Metric } from './stats.ts';

/**
 * One evaluation run as a single object (`--json`) or as tables: per protocol, per site and pooled, per method the
 * figure of each metric with its 95% interval and seed range, and the paired gains of the named comparisons.
 */
export interface SiteInput {
  site: string;
  data?: string;
  /** What a resampling unit is ("members", "users", "test posts"). */
  unitName: string;
  units: number;
  /** metric → one entry per seed → method → per-unit values or a statistic. */
  metrics: Record<string, Record<string, Metric>[]>;
  notes?: Record<string, unknown>;
}

export interface Figure extends Interval {
  /** The point figure's lowest and highest value over seeds. */
  seeds: [number, number];
}

export interface SiteReport {
  site: string;
  data?: string;
  unitName: string;
  units: number;
  /** method → metric → figure. */
  methods: Record<string, Record<string, Figure>>;
  /** metric → `${method} vs ${baseline}` → paired gain. */
  gains: Record<string, Record<string, Interval>>;
  notes?: Record<string, unknown>;
}

export interface ProtocolReport {
  name: string;
  description: string;
  metrics: string[];
  /** The metric the gains headline (the goal's metric). */
  primary: string;
  comparisons: Comparison[];
  sites: SiteReport[];
  /** Mean of the site figures (each site weighs the same), stratified bootstrap. */
  pooled: SiteReport;
}

export interface TaskReport {
  task: string;
  seeds: number[];
  resamples: number;
  confidence: 0.95;
  protocols: ProtocolReport[];
  notes?: Record<string, unknown>;
}

export function protocolReport(
  spec: { name: string; description: string; primary: string; comparisons: Comparison[] },
  sites: readonly SiteInput[],
  options: { seed: number; resamples: number },
): ProtocolReport {
  const metricNames = [...new Set(sites.flatMap((s) => Object.keys(s.metrics)))];
  const perSite: SiteReport[] = sites.map((s) => ({
    site: s.site,
    ...(s.data ? { data: s.data } : {}),
    unitName: s.unitName,
    units: s.units,
    methods: {},
    gains: {},
    ...(s.notes ? { notes: s.notes } : {}),
  }));
  const pooled: SiteReport = {
    site: 'pooled',
    unitName: 'sites (mean of site figures)',
    units: sites.length,
    methods: {},
    gains: {},
  };
  metricNames.forEach((metric, mi) => {
    const present = sites.filter((s) => s.metrics[metric]);
    const result = compareSites(
      present.map((s) => ({ units: s.units, seeds: s.metrics[metric] as Record<string, Metric>[] })),
      spec.comparisons,
      { seed: options.seed + 7919 * mi, resamples: options.resamples },
    );
    const fill = (target: SiteReport, r: (typeof result)['pooled']) => {
      for (const [method, fig] of Object.entries(r.figures)) {
        target.methods[method] ??= {};
        (target.methods[method] as Record<string, Figure>)[metric] = { ...fig, seeds: r.seedRange[method] ?? [0, 0] };
      }
      target.gains[metric] = r.gains;
    };
    present.forEach((s, i) => {
      fill(perSite[sites.indexOf(s)] as SiteReport, result.sites[i] as (typeof result)['pooled']);
    });
    if (present.length === sites.length && sites.length > 1) fill(pooled, result.pooled);
  });
  return { ...spec, metrics: metricNames, sites: perSite, pooled };
}

const num = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
export const formatInterval = (i: Interval, signed = false) =>
  `${signed && i.mean >= 0 ? '+' : ''}${num(i.mean)} [${num(i.low)}, ${num(i.high)}]`;

/** An interval that excludes `above` (default 0) from below: the gain holds at 95%. */
export const clearlyAbove = (i: Interval | undefined, above = 0) => i !== undefined && i.low > above;

export function printReport(report: TaskReport): void {
  console.log(
    `${report.task}: seeds ${report.seeds.join(', ')}; 95% intervals from ${report.resamples} bootstrap resamples`,
  );
  for (const p of report.protocols) {
    console.log(`\n== ${p.name}: ${p.description}`);
    const rows = p.sites.length > 1 ? [...p.sites, p.pooled] : p.sites;
    for (const s of rows) {
      console.log(`\n${s.site} (${s.units} ${s.unitName})`);
      const methods = Object.keys(s.methods);
      if (methods.length === 0) continue;
      const width = Math.max(16, ...methods.map((m) => m.length + 1));
      console.log(`${'method'.padEnd(width)}${p.metrics.map((m) => m.padEnd(26)).join('')}`);
      for (const m of methods) {
        const cells = p.metrics.map((metric) => {
          const f = s.methods[m]?.[metric];
          return (f ? formatInterval(f) : '').padEnd(26);
        });
        console.log(`${m.padEnd(width)}${cells.join('')}`);
      }
    }
    if (p.comparisons.length > 0) {
      console.log(`\nPaired ${p.primary} gains, 95% interval:`);
      const width = Math.max(...p.comparisons.map((c) => gainKey(c).length)) + 2;
      console.log(`${''.padEnd(width)}${rows.map((s) => s.site.padEnd(26)).join('')}`);
      for (const c of p.comparisons) {
        const k = gainKey(c);
        console.log(
          `${k.padEnd(width)}${rows
            .map((s) => {
              const g = s.gains[p.primary]?.[k];
              return (g ? formatInterval(g, true) : '').padEnd(26);
            })
            .join('')}`,
        );
      }
    }
  }
}
