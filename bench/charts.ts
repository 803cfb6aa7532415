// SVG charts of the benchmark history (bench/history.jsonl): for each figure, its score (most
// often Gene / raw in the same run) over the runs, with its target as a dashed line, so a
// regression shows as a line going the wrong way. Plain SVG files in docs/perf/, shown by
// docs/performance.md; nothing is fetched when they are viewed.
//   npx tsx bench/charts.ts          regenerate the charts from the history
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type HistoryEntry, readHistory } from './history.js';

export const CHART_DIR = new URL('../docs/perf/', import.meta.url);

const W = 640, H = 230;
const M = { left: 56, right: 16, top: 40, bottom: 44 };
const BLUE = '#1f6feb', ORANGE = '#d97706', RED = '#cf222e', GREY = '#8c959f', INK = '#24292f';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3)).replace(/\.?0+$/, '') || '0';

interface Point {
  value: number;
  entry: HistoryEntry;
  /** Other processes used CPU during the figure (or the machine was loaded): a noisy point. */
  loaded: boolean;
  partial: boolean;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` ticks over [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step / 1e6; t += step) out.push(Math.round(t / step) * step);
  return out;
}

/** One figure's chart as an SVG document. */
export function chartSvg(id: string, title: string, points: Point[], target: number | undefined, better: string, label: string): string {
  const values = points.map((p) => p.value);
  let lo = Math.min(...values, target ?? Infinity), hi = Math.max(...values, target ?? -Infinity);
  const pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.1 || 1;
  lo -= pad;
  hi += pad;
  if (lo > 0 && lo < hi * 0.5) lo = 0;
  const x = (i: number) => (points.length === 1 ? (M.left + W - M.right) / 2 : M.left + ((W - M.left - M.right) * i) / (points.length - 1));
  const y = (v: number) => M.top + (H - M.top - M.bottom) * (1 - (v - lo) / (hi - lo));
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${M.left}" y="16" font-size="13" font-weight="600" fill="${INK}">${esc(title)}</text>`);
  parts.push(`<text x="${M.left}" y="31" font-size="11" fill="${GREY}">${esc(`${label} (${better} is better)${target !== undefined ? `; target ${better === 'lower' ? '≤' : '≥'} ${fmt(target)}` : ''}`)}</text>`);
  for (const t of ticks(lo, hi)) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#eaeef2"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y(t) + 4}" font-size="10" text-anchor="end" fill="${GREY}">${fmt(t)}</text>`);
  }
  if (target !== undefined) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(target)}" y2="${y(target)}" stroke="${RED}" stroke-dasharray="6 4" stroke-width="1.5"/>`);
    parts.push(`<text x="${W - M.right}" y="${y(target) - 4}" font-size="10" text-anchor="end" fill="${RED}">target ${fmt(target)}</text>`);
  }
  if (points.length > 1) parts.push(`<polyline fill="none" stroke="${BLUE}" stroke-opacity="0.5" stroke-width="1.5" points="${points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ')}"/>`);
  const every = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    const colour = p.loaded ? ORANGE : BLUE;
    const fill = p.partial ? '#ffffff' : colour;
    const tip = `${p.entry.date.slice(0, 16).replace('T', ' ')} ${p.entry.commit}${p.entry.dirty ? '+' : ''}: ${fmt(p.value)}${p.partial ? ' (quick or --only)' : ''}${p.loaded ? ' (loaded machine)' : ''}`;
    parts.push(`<circle cx="${x(i)}" cy="${y(p.value)}" r="3.5" fill="${fill}" stroke="${colour}" stroke-width="1.5"><title>${esc(tip)}</title></circle>`);
    if (i % every === 0 || i === points.length - 1) {
      const anchor = points.length > 1 && i === points.length - 1 ? 'end' : points.length > 1 && i === 0 ? 'start' : 'middle';
      parts.push(`<text x="${x(i)}" y="${H - M.bottom + 16}" font-size="9" text-anchor="${anchor}" fill="${GREY}">${esc(p.entry.date.slice(5, 16).replace('T', ' '))}</text>`);
      parts.push(`<text x="${x(i)}" y="${H - M.bottom + 28}" font-size="9" text-anchor="${anchor}" fill="${GREY}">${esc(p.entry.commit.slice(0, 7))}</text>`);
    }
  });
  parts.push(
    `<text x="${W - M.right}" y="${H - 4}" font-size="9" text-anchor="end" fill="${GREY}"><tspan fill="${BLUE}">●</tspan> full run  <tspan fill="${BLUE}">○</tspan> quick or --only  ` +
      `<tspan fill="${ORANGE}">●</tspan> other processes used &gt; 0.25 cores</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" role="img" aria-label="${esc(`${id}: ${title}`)}">\n${parts.join('\n')}\n</svg>\n`;
}

/** Write one SVG per figure that has a score in the history; returns the ids in order. */
export function writeCharts(history: HistoryEntry[], dir: URL = CHART_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const ids: string[] = [];
  for (const e of history) for (const f of e.figures) if (f.score && !ids.includes(f.id)) ids.push(f.id);
  for (const id of ids) {
    const points: Point[] = [];
    let last: NonNullable<HistoryEntry['figures'][number]['score']> | undefined;
    let title = id;
    for (const entry of history) {
      const f = entry.figures.find((g) => g.id === id);
      if (!f?.score || !Number.isFinite(f.score.value)) continue;
      last = f.score;
      title = f.name ?? id;
      const loaded = (f.otherCores ?? entry.load.otherCores) > 0.25;
      points.push({ value: f.score.value, entry, loaded, partial: entry.quick || entry.only !== undefined });
    }
    if (!last || points.length === 0) continue;
    writeFileSync(new URL(`${id}.svg`, dir), chartSvg(id, title, points, last.target, last.better, last.label));
  }
  return ids;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ids = writeCharts(readHistory());
  console.log(`wrote ${ids.length} charts to ${fileURLToPath(CHART_DIR)}`);
}
