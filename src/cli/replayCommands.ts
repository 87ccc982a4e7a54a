import { replay, type ReplayOptions, type ReplaySummary } from '../audit/replay';
import { checkLogPoint, type LogPoint } from '../audit/replaySource';
import { verify, type VerifyResult, type VersionMismatch } from '../audit/verify';
import type { PartOf } from '../events/entityPartition';
import type { EntityRef } from '../events/schemas/common';
import type { ServiceConfig } from '../service/config';
import { openService, type OpenService } from '../service/openService';
import { createProgress, type Progress } from './progress';
import {
  combineReplays,
  combineVerifications,
  PartFailedError,
  PROGRESS_LINES_ENV,
  runParts,
  type PartCounts,
  type PartVerify,
} from './replayParts';

type Print = (text: string) => void;

export interface ReplayArgs {
  until?: LogPoint;
  entity?: EntityRef;
  json: boolean;
  /** Only this part of the entities (`--part i/N`). */
  part?: PartOf;
  /**
   * The whole log in this many parts (2 or more) at once, each in a process of its own
   * (`--jobs N`); `argv` are the command's arguments, passed on to every part.
   */
  jobs?: { count: number; argv: string[] };
}

const int = (n: number) => n.toLocaleString('en-US');

/** A bar; in a part's own process, `position N` lines for the process that runs the parts. */
const progressOf = (total: number): Progress =>
  process.env[PROGRESS_LINES_ENV] === undefined
    ? createProgress('replay', total)
    : { update: (done) => process.stderr.write(`position ${done}\n`), finish: () => undefined };

/**
 * Where a replay will about end: `--until`, or the end of the log now (the projections'
 * checkpoint may lag behind it: replay never reads the projections).
 */
const replayEnd = async (service: OpenService, until: LogPoint | undefined): Promise<number> =>
  until && 'position' in until ? until.position : service.log.endPosition();

/**
 * Runs the command in `jobs.count` processes, one part of the entities each, with one bar.
 * The parts start first: while they load, this process checks `--until` and reads where the
 * log ends (a bad `--until` stops them).
 */
const inParts = async (
  config: ServiceConfig,
  command: 'replay' | 'verify',
  args: ReplayArgs & { jobs: { count: number; argv: string[] } },
): Promise<unknown[]> => {
  const stop = new AbortController();
  let progress: Progress | undefined;
  let total = 0;
  const parts = runParts({
    cli: [...process.execArgv, process.argv[1]!],
    command,
    argv: args.jobs.argv,
    jobs: args.jobs.count,
    signal: stop.signal,
    onProgress: (position) => progress?.update(Math.min(position, total)),
  });
  // A part may fail while this process is still opening the log: handled below, not unhandled.
  parts.catch(() => undefined);
  try {
    const service = await openService(config);
    try {
      // Here, not only in each part: a bad --until is one error, not one per part.
      await checkLogPoint(service.log, args.until);
      total = await replayEnd(service, args.until);
    } finally {
      await service.close();
    }
  } catch (error) {
    stop.abort();
    await parts.catch(() => undefined);
    throw error;
  }
  if (total > 0) progress = createProgress(`${command} x${args.jobs.count}`, total);
  const results = await parts;
  progress?.finish();
  return results;
};

/** A part that failed ends the command with its own error and exit code (2: bad input). */
const partFailed = (error: unknown): number => {
  if (!(error instanceof PartFailedError)) throw error;
  process.stderr.write(`${error.message}\n`);
  return error.code;
};

/** Replay options for a command: a progress bar on stderr when the whole log is replayed. */
const withReplay = async <T>(
  config: ServiceConfig,
  args: ReplayArgs,
  work: (options: ReplayOptions) => Promise<T>,
): Promise<T> => {
  const service: OpenService = await openService(config);
  try {
    const { log, registry } = service;
    const total = await replayEnd(service, args.until);
    const progress = args.entity === undefined && total > 0 ? progressOf(total) : undefined;
    const result = await work({
      log,
      registry,
      ...(args.until === undefined ? {} : { until: args.until }),
      ...(args.entity === undefined ? {} : { entity: args.entity }),
      ...(args.part === undefined ? {} : { part: args.part }),
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

const printReplay = (s: ReplaySummary, args: ReplayArgs, out: Print) => {
  const heads = s.heads.map(({ doc, ...head }) => (args.entity ? { ...head, doc } : head));
  if (args.json) out(JSON.stringify({ ...s, heads }));
  else {
    out(summaryLine(s));
    for (const h of args.entity ? s.heads : [])
      out(`head v${h.ordinal} ${h.versionId} hash ${h.hash}\n${JSON.stringify(h.doc, null, 2)}`);
  }
  return 0;
};

/** `driftless replay`: rebuilds every head (or one entity's) from the branch events alone. */
export const replayCommand = (config: ServiceConfig, args: ReplayArgs, out: Print = console.log) =>
  args.jobs === undefined || args.entity !== undefined
    ? withReplay(config, args, async (options) => printReplay(await replay(options), args, out))
    : inParts(config, 'replay', { ...args, jobs: args.jobs }).then(
        (parts) => printReplay(combineReplays(parts as PartCounts[]), args, out),
        partFailed,
      );

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
  args.jobs === undefined || args.entity !== undefined
    ? withReplay(config, args, async (options) => printVerify(await verify(options), out, args))
    : inParts(config, 'verify', { ...args, jobs: args.jobs }).then(
        (parts) => printVerify(combineVerifications(parts as PartVerify[]), out, args),
        partFailed,
      );

const printVerify = (result: VerifyResult, out: Print, args: ReplayArgs): number => {
  const { summary } = result;
  if (args.json) {
    const { heads: _heads, ...counts } = summary;
    out(JSON.stringify({ ...result, summary: counts }));
  } else if (result.verified)
    out(
      `verified: ${int(summary.versions)} versions in ${int(summary.events)} events, every recomputed hash, document and decision matches the log`,
    );
  else {
    // In parts, the others went on to their own ends: their versions were not "before it".
    const others =
      args.jobs === undefined
        ? `${int(summary.versions - 1)} versions verified before it`
        : `${int(summary.versions - 1)} other versions replayed in ${args.jobs.count} parts`;
    out(`${describeMismatch(result.mismatch)}\n(${others})`);
  }
  return result.verified ? 0 : 1;
};
