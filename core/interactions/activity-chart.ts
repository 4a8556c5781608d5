import { createRequire } from 'node:module';

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | null = null;
/** resvg (a native addon) loads with the first chart rendered, not at start-up (docs/adr/0008-start-up.md). */
const loadResvg = (): ResvgModule => {
  resvg ??= createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
  return resvg;
};

/**
 * The weekly report's chart: daily active members as bars. Built as SVG by hand (no chart library needed for bars)
 * and rendered to PNG with resvg. Labels are digits only, so any system font renders them.
 */

const WIDTH = 720;
const HEIGHT = 300;
const PAD = { left: 44, right: 16, top: 16, bottom: 36 };

export function activityChartSvg(series: readonly { day: string; active: number }[]): string {
  const max = Math.max(1, ...series.map((p) => p.active));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, series.length);
  const bars = series
    .map((p, i) => {
      const h = (p.active / max) * plotH;
      const x = PAD.left + i * slot + slot * 0.15;
      const y = PAD.top + plotH - h;
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="#4f6bed"/>`;
    })
    .join('');
  const ticks = [0, 0.5, 1]
    .map((f) => {
      const y = PAD.top + plotH - f * plotH;
      const label = Math.round(f * max);
      return `<line x1="${PAD.left}" y1="${y}" x2="${WIDTH - PAD.right}" y2="${y}" stroke="#dde1ea"/><text x="${PAD.left - 6}" y="${y + 4}" font-size="11" text-anchor="end" fill="#555">${label}</text>`;
    })
    .join('');
  const step = Math.max(1, Math.ceil(series.length / 7));
  const labels = series
    .map((p, i) =>
      i % step === 0
        ? `<text x="${(PAD.left + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - 14}" font-size="11" text-anchor="middle" fill="#555">${p.day.slice(5)}</text>`
        : '',
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}"><rect width="100%" height="100%" fill="#ffffff"/>${ticks}${bars}${labels}</svg>`;
}

export function renderPng(svg: string): Uint8Array {
  const png = new (loadResvg().Resvg)(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
    .render()
    .asPng();
  return new Uint8Array(png);
}
