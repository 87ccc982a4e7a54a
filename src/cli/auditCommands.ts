import { blame, keyedAddressing, type BlameEntry } from '../audit/blame';
import { branchReport, type BranchReport } from '../audit/branchReport';
import { parseEntityRef, unknownEntity } from '../audit/entityHistory';
import { writeFileSync } from 'node:fs';
import { lineageGraph, toDot, toMermaid } from '../audit/lineageGraph';
import { toHtml } from '../audit/lineageHtml';
import { unsettledBranches } from '../audit/unsettledBranches';
import { ValidationError } from '../events/errors';
import type { ServiceConfig } from '../service/config';
import type { OpenService } from '../service/openService';
import { openCaughtUp } from './catchUp';
import { shownValue } from './shownValue';

type Print = (text: string) => void;

const withService = async <T>(config: ServiceConfig, work: (s: OpenService) => Promise<T>) => {
  const service = await openCaughtUp(config);
  try {
    return await work(service);
  } finally {
    await service.close();
  }
};

/** Rules whose name alone does not say what happened. */
const RULE_NOTES: Record<string, string> = {
  'theirs-only': 'the only change',
  'only change': 'the only change',
  'operator:branch': "an operator took the branch's value on release from quarantine",
  'operator:head': "an operator kept the head's value on release from quarantine",
};
const ruleText = (rule: string) =>
  RULE_NOTES[rule] === undefined ? rule : `${rule} (${RULE_NOTES[rule]})`;

const describe = (e: BlameEntry) =>
  [
    `v${e.ordinal} ${e.versionId}  ${e.promotedAt}  phase ${e.phase}`,
    `  ${e.branchIds.map((b, i) => `branch ${b} by ${e.actors[i] ?? '?'}`).join(', ')}`,
    `  value ${e.value === undefined ? '(removed)' : shownValue(e.value)}  rule ${e.rules.map(ruleText).join(', ')}`,
  ].join('\n');

/** `driftless blame <type/id> <pointer>`: every change to one field, newest last. */
export const blameCommand = (
  config: ServiceConfig,
  args: { entity: string; pointer: string; json: boolean },
  out: Print = (text) => console.log(text),
): Promise<number> =>
  withService(config, async ({ log, registry }) => {
    const entity = parseEntityRef(args.entity);
    const entries = await blame({ log, registry, entity, pointer: args.pointer });
    if (args.json) out(JSON.stringify(entries));
    else if (entries.length === 0) {
      const hint = keyedAddressing(registry, entity.type, args.pointer);
      out(
        `${args.pointer} was never set on ${args.entity}${hint === undefined ? '' : `; ${hint}`}`,
      );
    } else out(entries.map(describe).join('\n'));
    return 0;
  });

export const LINEAGE_FORMATS = ['json', 'mermaid', 'dot'] as const;

/** A version id as given, or for `type/id` the entity's head. */
const versionOf = (store: OpenService['store'], given: string): string => {
  if (!given.includes('/')) return given;
  const entity = parseEntityRef(given);
  const head = store.head(entity);
  if (head === undefined) throw unknownEntity(entity, 'an entity with promoted versions');
  return head.versionId;
};

/**
 * `driftless lineage <versionId | type/id>`: the ancestry DAG (of an entity's head, given the
 * entity) as JSON (the default), Mermaid or DOT;
 * with `html`, one self-contained page that draws it, written to that file (and nothing on
 * stdout unless a format was asked for too).
 */
export const lineageCommand = (
  config: ServiceConfig,
  args: { versionId: string; format?: string; html?: string },
  out: Print = (text) => console.log(text),
): Promise<number> => {
  const format = (args.format ?? (args.html === undefined ? 'json' : undefined)) as
    (typeof LINEAGE_FORMATS)[number] | undefined;
  if (format !== undefined && !LINEAGE_FORMATS.includes(format))
    throw new ValidationError([
      {
        path: '/format',
        expected: LINEAGE_FORMATS.join(' | '),
        received: String(args.format),
        message: '--format is invalid',
      },
    ]);
  return withService(config, async ({ log, store }) => {
    const graph = await lineageGraph({ log, store, versionId: versionOf(store, args.versionId) });
    if (args.html !== undefined) {
      writeFileSync(args.html, toHtml(graph));
      process.stderr.write(
        `wrote ${args.html}: ${graph.nodes.length} versions, ${graph.edges.length} edges\n`,
      );
    }
    if (format !== undefined)
      out(
        format === 'json'
          ? JSON.stringify(graph)
          : format === 'mermaid'
            ? toMermaid(graph)
            : toDot(graph),
      );
    return 0;
  });
};

/** How long ago, in the largest unit that fits: 45 s, 12 min, 3 h, 2 d. */
const ago = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
};

const outcomeText = (o: BranchReport['outcome']) => {
  switch (o.status) {
    case 'promoted':
      return `promoted as v${o.ordinal} ${o.versionId}`;
    case 'quarantined':
      return `quarantined: ${o.violations.map((v) => `${v.code} at "${v.path}": ${v.message}`).join('; ')}`;
    case 'abandoned':
      return `abandoned: ${o.reason}`;
    default:
      return o.status;
  }
};

/** `driftless branch <branchId>`: what it operated on, how stale that was, what came of it. */
export const branchCommand = (
  config: ServiceConfig,
  args: { branchId: string; json: boolean },
  out: Print = (text) => console.log(text),
  now: () => number = Date.now,
): Promise<number> =>
  withService(config, async ({ log }) => {
    const r = await branchReport({ log, branchId: args.branchId });
    const stale =
      r.staleness === 0
        ? 'the head when settled (a fast-forward)'
        : `${r.staleness} promotion(s) behind the head when settled${r.overlap.length > 0 ? `; both changed ${r.overlap.join(', ')}` : ''}`;
    out(
      args.json
        ? JSON.stringify(r)
        : [
            `branch ${r.branchId}: ${r.entity.type}/${r.entity.id}, phase ${r.phase}, actor ${r.actor}, opened ${r.openedAt}`,
            `  operated on  ${r.baseVersionId ?? 'nothing (a new entity)'}, ${stale}`,
            `  mutations    ${r.mutations}`,
            `  outcome      ${
              r.outcome.status === 'open'
                ? `open for ${ago(now() - Date.parse(r.openedAt))}; if its writer is gone: driftless abandon ${r.branchId} --reason "…"`
                : outcomeText(r.outcome)
            }`,
            '  history',
            ...r.history.map(
              (h) =>
                `    ${String(h.position).padStart(8)}  ${h.recordedAt}  ${h.type.padEnd(18)}  ${h.actor}: ${h.summary}`,
            ),
          ].join('\n'),
    );
    return 0;
  });

/**
 * `driftless branches [--status open|committed]`: the branches with no outcome yet, oldest
 * first, and how long they have waited (a crashed writer's branch stays open for good).
 */
export const branchesCommand = (
  config: ServiceConfig,
  args: { status?: 'open' | 'committed'; json: boolean },
  out: Print = (text) => console.log(text),
  now: () => number = Date.now,
): Promise<number> =>
  withService(config, async ({ log, store }) => {
    const branches = await unsettledBranches({
      log,
      store,
      ...(args.status === undefined ? {} : { status: args.status }),
    });
    const which = args.status ?? 'open or committed';
    if (args.json) out(JSON.stringify(branches));
    else if (branches.length === 0) out(`no ${which} branches`);
    else
      out(
        [
          `${branches.length} ${which} branch(es), oldest first:`,
          ...branches.map(
            (b) =>
              `  ${b.branchId}  ${`${b.entity.type}/${b.entity.id}`.padEnd(20)}  ${b.status.padEnd(9)}  ${b.actor}, phase ${b.phase}, ${b.mutations} mutation(s), opened ${b.openedAt} (${ago(now() - Date.parse(b.openedAt))} ago)${b.deadline === null ? '' : `, deadline ${b.deadline}`}`,
          ),
        ].join('\n'),
      );
    return 0;
  });
