import type { Strategy, StrategyRow } from './measurePoint';

const COLORS: Record<Strategy, string> = {
  naive: '#d62728',
  barriers: '#e08a00',
  driftless: '#1f6fb4',
};
const NAMES: Record<Strategy, string> = {
  naive: 'naive shared state',
  barriers: 'locks + phase barriers',
  driftless: 'Driftless',
};
const W = 1260;
const H = 760;
const PANEL = { left: 100, top: 120, width: 320, height: 230, gapX: 70, gapY: 90 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const text = (x: number, y: number, body: string, attrs = '') =>
  `<text x="${x}" y="${y}" ${attrs}>${esc(body)}</text>`;

interface Axis {
  x: number;
  y: number;
  xs: readonly number[];
  /** Where a value sits, 0 (bottom) to 1 (top). */
  scale: (v: number) => number;
  ticks: readonly number[];
  label: (v: number) => string;
}

const percentAxis = {
  scale: (v: number) => v / 100,
  ticks: [0, 25, 50, 75, 100],
  label: (v: number) => `${v}%`,
};

/** Throughput spans orders of magnitude: a log axis from the power of ten below the lowest. */
const rateAxis = (values: readonly number[]) => {
  const low = Math.floor(Math.log10(Math.max(1, Math.min(...values))));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...values))));
  return {
    scale: (v: number) => (Math.log10(Math.max(v, 10 ** low)) - low) / (high - low),
    ticks: Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i)),
    label: (v: number) => v.toLocaleString('en-US'),
  };
};

const panel = (a: Axis, title: string, series: [Strategy, number[]][]): string => {
  const { width, height } = PANEL;
  const px = (i: number) => a.x + (a.xs.length === 1 ? width / 2 : (i * width) / (a.xs.length - 1));
  const py = (v: number) => a.y + height - a.scale(v) * height;
  const out = [
    `<rect x="${a.x}" y="${a.y}" width="${width}" height="${height}" fill="#fafafa" stroke="#bbb"/>`,
  ];
  for (const v of a.ticks) {
    out.push(
      `<line x1="${a.x}" x2="${a.x + width}" y1="${py(v)}" y2="${py(v)}" stroke="#e2e2e2"/>`,
    );
    out.push(text(a.x - 8, py(v) + 5, a.label(v), 'text-anchor="end" font-size="14" fill="#444"'));
  }
  a.xs.forEach((x, i) =>
    out.push(
      text(px(i), a.y + height + 22, String(x), 'text-anchor="middle" font-size="14" fill="#444"'),
    ),
  );
  out.push(
    text(
      a.x + width / 2,
      a.y - 10,
      title,
      'text-anchor="middle" font-size="16" font-weight="bold"',
    ),
  );
  for (const [strategy, values] of series) {
    const points = values.map((v, i) => `${px(i)},${py(v)}`).join(' ');
    const thick = strategy === 'driftless' ? 4 : 2.5;
    out.push(
      `<polyline points="${points}" fill="none" stroke="${COLORS[strategy]}" stroke-width="${thick}"/>`,
    );
    values.forEach((v, i) =>
      out.push(`<circle cx="${px(i)}" cy="${py(v)}" r="5" fill="${COLORS[strategy]}"/>`),
    );
  }
  return out.join('\n');
};

/**
 * The chart: silent corruption (top) and throughput (bottom) against branches per entity,
 * one column per overlap, drawn from the rows the run measured.
 */
export const strategiesSvg = (rows: readonly StrategyRow[], subtitle: string): string => {
  const xs = [...new Set(rows.map((r) => r.parallelism))].sort((a, b) => a - b);
  const overlaps = [...new Set(rows.map((r) => r.overlap))].sort((a, b) => a - b);
  const strategies = (['driftless', 'barriers', 'naive'] as Strategy[]).filter((s) =>
    rows.some((r) => r.strategy === s),
  );
  const rate = rateAxis(rows.map((r) => r.branchesPerSec));
  const value = (s: Strategy, o: number, pick: (r: StrategyRow) => number) =>
    xs.map((p) => {
      const row = rows.find((r) => r.strategy === s && r.overlap === o && r.parallelism === p);
      return row === undefined ? 0 : pick(row);
    });
  const body: string[] = [];
  overlaps.forEach((o, c) => {
    const x = PANEL.left + c * (PANEL.width + PANEL.gapX);
    const title = `overlap ${Math.round(o * 100)}%`;
    const top = { x, y: PANEL.top, xs, ...percentAxis };
    body.push(
      panel(
        top,
        title,
        strategies.map((s) => [s, value(s, o, (r) => r.silentCorruption * 100)]),
      ),
    );
    const bottom = { x, y: PANEL.top + PANEL.height + PANEL.gapY, xs, ...rate };
    body.push(
      panel(
        bottom,
        title,
        strategies.map((s) => [s, value(s, o, (r) => r.branchesPerSec)]),
      ),
    );
  });
  const legend = strategies.map((s, i) => {
    const x = PANEL.left + i * 290;
    return `<rect x="${x}" y="62" width="26" height="8" fill="${COLORS[s]}"/>${text(x + 34, 71, NAMES[s], 'font-size="16"')}`;
  });
  const rowLabel = (y: number, label: string) =>
    text(
      24,
      y,
      label,
      `font-size="15" transform="rotate(-90 24 ${y})" text-anchor="middle" fill="#222"`,
    );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    text(
      PANEL.left,
      34,
      'Silent corruption and throughput by strategy',
      'font-size="22" font-weight="bold"',
    ),
    text(W - 20, 34, subtitle, 'font-size="13" text-anchor="end" fill="#555"'),
    ...legend,
    rowLabel(PANEL.top + PANEL.height / 2, 'silent corruption (% of entities)'),
    rowLabel(PANEL.top + PANEL.height * 1.5 + PANEL.gapY, 'throughput (branches/s, log scale)'),
    ...body,
    text(
      W / 2,
      H - 14,
      'parallel branches per entity (log scale)',
      'font-size="15" text-anchor="middle"',
    ),
    '</svg>',
  ].join('\n');
};
