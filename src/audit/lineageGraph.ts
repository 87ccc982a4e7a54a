import { ValidationError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import type { EntityRef } from '../events/schemas/common';
import { streamNames, type StreamNames } from '../events/streams';
import type { ProjectionStore } from '../projections/projectionStore';
import { promotionsOf } from './entityHistory';

export interface LineageNode {
  versionId: string;
  ordinal: number;
  phase: string;
  hash: string;
  promotedAt: string;
}

/** Parent → child: the branches the child merged and how many paths each rule decided. */
export interface LineageEdge {
  from: string;
  to: string;
  /**
   * 'head': the version the branch was merged into (or fast-forwarded from); 'base': the older
   * version a stale branch started from.
   */
  kind: 'head' | 'base';
  branchIds: string[];
  rules: Record<string, number>;
}

export interface LineageGraph {
  entity: EntityRef;
  versionId: string;
  /** The version and every ancestor, oldest first. */
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/**
 * `driftless lineage`: the ancestry DAG of a version, from the entity's promotions in the log;
 * the projections only say which entity the version belongs to.
 */
export const lineageGraph = async (options: {
  log: EventLog;
  store: ProjectionStore;
  versionId: string;
  streams?: StreamNames;
}): Promise<LineageGraph> => {
  const { log, store, versionId, streams = streamNames() } = options;
  const entity = store.version(versionId)?.entity;
  if (entity === undefined)
    throw new ValidationError(
      [
        {
          path: '/versionId',
          expected: 'the id of a promoted version',
          received: versionId,
          message: 'no such version',
        },
      ],
      'unknown version',
    );
  const promotions = await promotionsOf(log, streams, entity);
  const byId = new Map(promotions.map((p, i) => [p.data.versionId, { ...p.data, ordinal: i + 1 }]));
  const ancestry = new Set<string>();
  const visit = (id: string) => {
    if (ancestry.has(id) || !byId.has(id)) return;
    ancestry.add(id);
    for (const parent of byId.get(id)!.parents) visit(parent);
  };
  visit(versionId);
  const versions = [...byId.values()].filter((v) => ancestry.has(v.versionId));
  return {
    entity,
    versionId,
    nodes: versions.map(({ versionId: id, ordinal, phase, hash, promotedAt }) => ({
      versionId: id,
      ordinal,
      phase,
      hash,
      promotedAt,
    })),
    edges: versions.flatMap((v) =>
      v.parents.map((parent, i) => ({
        from: parent,
        to: v.versionId,
        kind: i === 0 ? ('head' as const) : ('base' as const),
        branchIds: v.branchIds,
        rules: v.decisions.reduce<Record<string, number>>(
          (counts, d) => ({ ...counts, [d.rule]: (counts[d.rule] ?? 0) + 1 }),
          {},
        ),
      })),
    ),
  };
};

const short = (id: string) => id.slice(-6);
const branches = (e: LineageEdge) => e.branchIds.map((b) => `branch …${short(b)}`).join(', ');
const edgeLabel = (e: LineageEdge) =>
  e.kind === 'base'
    ? `base of ${branches(e)}`
    : [branches(e), ...Object.entries(e.rules).map(([rule, n]) => `${rule} ×${n}`)]
        .filter((part) => part !== '')
        .join('; ');
const nodeLabel = (n: LineageNode) => `v${n.ordinal} …${short(n.versionId)} (${n.phase})`;

/**
 * The graph as a Mermaid flowchart (renders on GitHub and in most Markdown viewers); an edge
 * from a stale branch's older base is dotted.
 */
export const toMermaid = (g: LineageGraph): string =>
  [
    'flowchart TD',
    ...g.nodes.map(
      (n) => `  ${n.versionId}["${nodeLabel(n)}"]${n.versionId === g.versionId ? ':::target' : ''}`,
    ),
    ...g.edges.map(
      (e) => `  ${e.from} ${e.kind === 'base' ? '-.->' : '-->'}|"${edgeLabel(e)}"| ${e.to}`,
    ),
    '  classDef target stroke-width:3px',
  ].join('\n');

/** The graph in Graphviz DOT; an edge from a stale branch's older base is dashed. */
export const toDot = (g: LineageGraph): string =>
  [
    `digraph "${g.entity.type}/${g.entity.id}" {`,
    '  rankdir=TB; node [shape=box];',
    ...g.nodes.map(
      (n) =>
        `  "${n.versionId}" [label="${nodeLabel(n)}"${n.versionId === g.versionId ? ', penwidth=3' : ''}];`,
    ),
    ...g.edges.map(
      (e) =>
        `  "${e.from}" -> "${e.to}" [label="${edgeLabel(e)}"${e.kind === 'base' ? ', style=dashed' : ''}];`,
    ),
    '}',
  ].join('\n');
