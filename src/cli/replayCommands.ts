import { replay, type ReplayOptions, type ReplaySummary } from '../audit/replay';
import type { LogPoint } from '../audit/replaySource';
import { verify, type VersionMismatch } from '../audit/verify';
import type { EntityRef } from '../events/schemas/common';
import type { ServiceConfig } from '../service/config';
import { openService, type OpenService } from '../service/openService';
import { createProgress } from './progress';

type Print = (text: string) => void;

export interface ReplayArgs {
  until?: LogPoint;
  entity?: EntityRef;
  json: boolean;
}

const int = (n: number) => n.toLocaleString('en-US');

/**
 * Replay options for a command: a progress bar on stderr when the whole log is replayed (its
 * end estimated by the projections' checkpoint: replay itself never reads the projections).
 */
const withReplay = async <T>(
  config: ServiceConfig,
  args: ReplayArgs,
  work: (options: ReplayOptions) => Promise<T>,
): Promise<T> => {
  const service: OpenService = await openService(config);
  try {
    const { log, registry, store } = service;
    const total =
      args.until && 'position' in args.until
        ? args.until.position
        : store.checkpoint('projections');
    const progress =
      args.entity === undefined && total > 0 ? createProgress('replay', total) : undefined;
    const result = await work({
      log,
      registry,
      ...(args.until === undefined ? {} : { until: args.until }),
      ...(args.entity === undefined ? {} : { entity: args.entity }),
      ...(progress === undefined
        ? {}
        : { onProgress: (position: number) => progress.update(Math.min(position, total)) }),
    });
    progress?.finish();
    return result;
  } finally {
    await service.close();
  }
};

const summaryLine = (s: ReplaySummary) =>
  `replayed ${int(s.events)} events up to position ${s.position}: ${int(s.versions)} versions of ${int(s.heads.length)} ${s.heads.length === 1 ? 'entity' : 'entities'} rebuilt from their branches' events` +
  `${s.unrebuilt > 0 ? ` (${s.unrebuilt} could not be rebuilt: run driftless verify)` : ''}; ${int(s.openBranches)} branches open or quarantined`;

/** `driftless replay`: rebuilds every head (or one entity's) from the branch events alone. */
export const replayCommand = (config: ServiceConfig, args: ReplayArgs, out: Print = console.log) =>
  withReplay(config, args, async (options) => {
    const s = await replay(options);
    const heads = s.heads.map(({ doc, ...head }) => (args.entity ? { ...head, doc } : head));
    if (args.json) out(JSON.stringify({ ...s, heads }));
    else {
      out(summaryLine(s));
      for (const h of args.entity ? s.heads : [])
        out(`head v${h.ordinal} ${h.versionId} hash ${h.hash}\n${JSON.stringify(h.doc, null, 2)}`);
    }
    return 0;
  });

const describeMismatch = (m: VersionMismatch) =>
  [
    `MISMATCH at version ${m.versionId} (v${m.ordinal} of ${m.entity.type}/${m.entity.id}, log position ${m.position}, branch ${m.branchIds.join(', ') || 'none'})`,
    `  ${m.reason}`,
    ...m.decisionsDiff.map(
      (d) =>
        `  decision ${d.path}  recorded ${JSON.stringify(d.recorded) ?? 'nothing'}  recomputed ${JSON.stringify(d.recomputed) ?? 'nothing'}`,
    ),
    ...m.diff.map(
      (d) =>
        `  ${d.path || '(root)'}  recorded ${JSON.stringify(d.recorded) ?? 'nothing'}  recomputed ${JSON.stringify(d.recomputed) ?? 'nothing'}`,
    ),
  ].join('\n');

/**
 * `driftless verify`: recomputes every version and compares it with the log. Exit code 0 when
 * all agree, 1 at the first that does not (with a diff of both documents).
 */
export const verifyCommand = (config: ServiceConfig, args: ReplayArgs, out: Print = console.log) =>
  withReplay(config, args, async (options) => {
    const result = await verify(options);
    const { summary } = result;
    if (args.json) {
      const { heads: _heads, ...counts } = summary;
      out(JSON.stringify({ ...result, summary: counts }));
    } else if (result.verified)
      out(
        `verified: ${int(summary.versions)} versions in ${int(summary.events)} events, every recomputed hash, document and decision matches the log`,
      );
    else
      out(
        `${describeMismatch(result.mismatch)}\n(${int(summary.versions - 1)} versions verified before it)`,
      );
    return result.verified ? 0 : 1;
  });
