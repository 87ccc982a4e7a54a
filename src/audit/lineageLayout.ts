import type { LineageEdge, LineageGraph, LineageNode } from './lineageGraph';

/** Sizes of the drawing, in SVG user units. */
export const BOX = { x: 24, width: 340, height: 46, gap: 44, lane: 22, top: 16 };
/** Room right of the boxes for the labels of straight edges, before the arcs' lanes. */
const LABEL_ROOM = 190;
/** Longest straight-edge label, in characters (the full text is in its tooltip). */
export const LABEL_CHARS = 40;

export interface PlacedNode {
  node: LineageNode;
  x: number;
  y: number;
}

export interface PlacedEdge {
  edge: LineageEdge;
  /** SVG path data from the parent to the child. */
  path: string;
  /** Where a short label goes; absent for arcs (their label is a tooltip). */
  label?: { x: number; y: number };
  /** An edge that skips versions: drawn as an arc on the right, dashed. */
  arc: boolean;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/**
 * A vertical timeline: one row per version, oldest at the top (promotion order is a
 * topological order of the DAG). An edge between neighbouring rows is a straight line with
 * its label beside it; one that skips rows (a branch merged from an older base) is an arc on
 * the right, in the first lane no other arc uses over the same rows.
 */
export const layoutLineage = (graph: LineageGraph): Layout => {
  const rows = new Map(graph.nodes.map((n, i) => [n.versionId, i]));
  const top = (row: number) => BOX.top + row * (BOX.height + BOX.gap);
  const centre = BOX.x + BOX.width / 2;
  const lanes: [number, number][][] = [];
  const laneFor = (from: number, to: number) => {
    let lane = lanes.findIndex((used) => used.every(([a, b]) => to <= a || from >= b));
    if (lane < 0) lane = lanes.push([]) - 1;
    lanes[lane]!.push([from, to]);
    return lane + 1;
  };
  const edges = graph.edges
    .map((edge) => ({ edge, from: rows.get(edge.from)!, to: rows.get(edge.to)! }))
    .sort((a, b) => a.to - a.from - (b.to - b.from))
    .map(({ edge, from, to }): PlacedEdge => {
      if (to === from + 1) {
        const y1 = top(from) + BOX.height;
        const y2 = top(to) - 3;
        return {
          edge,
          arc: false,
          path: `M ${centre} ${y1} L ${centre} ${y2}`,
          label: { x: centre + 10, y: (y1 + y2) / 2 + 4 },
        };
      }
      const right = BOX.x + BOX.width;
      const out = right + LABEL_ROOM + laneFor(from, to) * BOX.lane;
      const y1 = top(from) + BOX.height / 2;
      const y2 = top(to) + BOX.height / 2;
      const path = `M ${right} ${y1} C ${out} ${y1}, ${out} ${y1}, ${out} ${y1 + 16} L ${out} ${y2 - 16} C ${out} ${y2}, ${out} ${y2}, ${right + 3} ${y2}`;
      return { edge, arc: true, path };
    });
  return {
    nodes: graph.nodes.map((node, i) => ({ node, x: BOX.x, y: top(i) })),
    edges,
    width: BOX.x + BOX.width + LABEL_ROOM + (lanes.length + 1) * BOX.lane,
    height: top(graph.nodes.length) + BOX.top,
  };
};
