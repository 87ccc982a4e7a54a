import { BOX, LABEL_CHARS, layoutLineage, type PlacedEdge, type PlacedNode } from './lineageLayout';
import type { LineageEdge, LineageGraph, LineageNode } from './lineageGraph';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const PALETTE = ['#dbeafe', '#dcfce7', '#fef3c7', '#fce7f3', '#ede9fe', '#cffafe', '#fee2e2'];

/** The same phase always gets the same colour. */
const colourOf = (phase: string) =>
  PALETTE[[...phase].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % PALETTE.length]!;

const short = (id: string) => `…${id.slice(-6)}`;

const edgeText = (e: LineageEdge) =>
  [
    e.branchIds.map((b) => `branch ${short(b)}`).join(', '),
    Object.entries(e.rules)
      .map(([rule, n]) => `${rule} ×${n}`)
      .join(', '),
  ]
    .filter((part) => part !== '')
    .join(' · ');

const clip = (text: string) =>
  text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;

const nodeSvg = ({ node: n, x, y }: PlacedNode, target: string) => `
  <g class="version${n.versionId === target ? ' target' : ''}">
    <title>${escape(`${n.versionId}\nphase ${n.phase}\npromoted ${n.promotedAt}\nhash ${n.hash}`)}</title>
    <rect x="${x}" y="${y}" width="${BOX.width}" height="${BOX.height}" rx="8" fill="${colourOf(n.phase)}"/>
    <text x="${x + 12}" y="${y + 19}" class="head">v${n.ordinal} · ${escape(short(n.versionId))} · ${escape(n.phase)}</text>
    <text x="${x + 12}" y="${y + 36}" class="sub">${escape(n.promotedAt.replace('T', ' ').slice(0, 19))} · hash ${escape(n.hash.slice(0, 10))}…</text>
  </g>`;

const edgeSvg = ({ edge, path, label, arc }: PlacedEdge) => {
  const text = edgeText(edge);
  return `
  <g class="edge${arc ? ' arc' : ''}">
    <title>${escape(`${edge.from} → ${edge.to}\n${text || 'no decisions recorded'}`)}</title>
    <path d="${path}" marker-end="url(#arrow)"/>
    ${label === undefined ? '' : `<text x="${label.x}" y="${label.y}">${escape(clip(text))}</text>`}
  </g>`;
};

const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`;

const tables = (graph: LineageGraph) => `
<h2>Versions</h2>
<table><tr><th>#</th><th>version</th><th>phase</th><th>promoted</th><th>hash</th></tr>
${graph.nodes.map((n: LineageNode) => row([`v${n.ordinal}`, n.versionId, n.phase, n.promotedAt, n.hash])).join('\n')}
</table>
<h2>Edges (parent → child: the branches merged and the rules that decided)</h2>
<table><tr><th>parent</th><th>child</th><th>branches</th><th>rules</th></tr>
${graph.edges
  .map((e) =>
    row([
      e.from,
      e.to,
      e.branchIds.join(', '),
      Object.entries(e.rules)
        .map(([r, n]) => `${r} ×${n}`)
        .join(', '),
    ]),
  )
  .join('\n')}
</table>`;

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 24px; color: #111827; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
svg text { font: 12px ui-monospace, monospace; fill: #374151; }
svg text.head { font-weight: bold; fill: #111827; } svg text.sub { fill: #4b5563; }
.version rect { stroke: #6b7280; stroke-width: 1; } .version.target rect { stroke: #111827; stroke-width: 3; }
.edge path { fill: none; stroke: #4b5563; stroke-width: 1.5; } .edge.arc path { stroke-dasharray: 5 4; }
table { border-collapse: collapse; font: 12px ui-monospace, monospace; }
td, th { border: 1px solid #d1d5db; padding: 3px 8px; text-align: left; }`;

/**
 * The lineage graph as one self-contained HTML page: an inline SVG drawing (no script, no
 * network) with tooltips, and the same facts as tables below it.
 */
export const toHtml = (graph: LineageGraph): string => {
  const layout = layoutLineage(graph);
  const title = `Lineage of ${graph.entity.type}/${graph.entity.id} version ${graph.versionId}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escape(title)}</h1>
<p>${graph.nodes.length} versions, ${graph.edges.length} edges, oldest at the top. Solid: the head a version was merged into; dashed: the older base a branch started from. Hover for ids, hashes and every rule.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="${escape(title)}">
  <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#4b5563"/></marker></defs>
  ${layout.edges.map(edgeSvg).join('')}
  ${layout.nodes.map((n) => nodeSvg(n, graph.versionId)).join('')}
</svg>
${tables(graph)}
</body></html>
`;
};
