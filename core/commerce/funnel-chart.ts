import { createRequire } from 'node:module';

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | null = null;
/** resvg (a native addon) loads with the first chart rendered, not at start-up (docs/adr/0008-start-up.md). */
const loadResvg = (): ResvgModule => {
  resvg ??= createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
  return resvg;
};

/**
 * The funnel as a picture: one bar per stage (impressions → clicks → orders → paid → refunded), width by count,
 * each with its number. Labels are digits only, so any system font renders them; the reply's text names the stages
 * in the member's language, in the same order and colours.
 */
export const FUNNEL_COLOURS = ['#4f6bed', '#22a3b8', '#f0a020', '#2e9e5b', '#d64545'] as const;

const WIDTH = 640;
const ROW = 44;
const PAD = { left: 16, right: 72, top: 16, bottom: 16 };

export function funnelChartSvg(counts: readonly number[]): string {
  const max = Math.max(1, ...counts);
  const plotW = WIDTH - PAD.left - PAD.right;
  const height = PAD.top + PAD.bottom + ROW * counts.length;
  const rows = counts
    .map((n, i) => {
      const w = Math.max(2, (n / max) * plotW);
      const y = PAD.top + i * ROW;
      return (
        `<rect x="${PAD.left}" y="${y + 6}" width="${w.toFixed(1)}" height="${ROW - 12}" rx="4" fill="${FUNNEL_COLOURS[i % FUNNEL_COLOURS.length]}"/>` +
        `<text x="${(PAD.left + w + 8).toFixed(1)}" y="${y + ROW / 2 + 5}" font-size="16" fill="#333">${n}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}"><rect width="100%" height="100%" fill="#ffffff"/>${rows}</svg>`;
}

export function funnelChartPng(counts: readonly number[]): Uint8Array {
  const svg = funnelChartSvg(counts);
  return new Uint8Array(
    new (loadResvg().Resvg)(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
      .render()
      .asPng(),
  );
}
