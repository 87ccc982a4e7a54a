import { parseArgs } from 'node:util';
import { parseEntityRef } from '../audit/entityHistory';
import { parseLogPoint } from '../audit/replaySource';
import { parseWorker } from '../promoter/workerAssignment';
import { blameCommand, branchCommand, branchesCommand, lineageCommand } from './auditCommands';
import {
  creatable,
  existingLogConfig,
  JSON_OPTION,
  SERVICE_OPTIONS,
  UsageError,
  wholeNumber,
} from './cliOptions';
import { driftCommand } from './driftCommand';
import { replayCommand, verifyCommand } from './replayCommands';

export const AUDIT_USAGE = `  blame <type/id> <json-pointer> [--json]
          every change to one field: version, branches and actors, phase, time, value, rule
  branch <branchId> [--json]
          the version a branch operated on, how stale it was, its outcome and its history
  branches [--status open|committed] [--json]
          the branches with no outcome yet, oldest first, and how long each has waited (a
          writer that crashed without a deadline leaves its branch open for good)
  lineage <versionId | type/id> [--format json|mermaid|dot] [--json] [--html FILE]
          the version's (or the entity's head's) ancestry DAG, with branches and merge
          decisions on its edges; --html writes one self-contained page that draws it
  replay [--until POSITION|ISO-TIME] [--entity type/id] [--jobs N | --part i/N] [--json]
          rebuild every head from the branch events alone (the promoter's reconciliation)
  verify [--until POSITION|ISO-TIME] [--entity type/id] [--jobs N | --part i/N] [--json]
          replay and compare every recomputed version (and each promoted branch's mutations
          with its commit's digest) with the log; exit code 1 and a diff at the first that differs
          --jobs N   the whole log in N processes at once, each one part of the entities
                     (worth it on a SQLite log with a core per job)
          --part i/N only the entities whose hash mod N is i, and their branches
  drift [--since POSITION|ISO-TIME] [--json]
          staleness at merge, conflicts per path, resolutions per rule, quarantines per code,
          promotion latency`;

export const AUDIT_COMMANDS = [
  'blame',
  'branch',
  'branches',
  'lineage',
  'replay',
  'verify',
  'drift',
];

const parse = (args: string[], extra: Record<string, { type: 'string' }> = {}) => {
  const { values, positionals } = parseArgs({
    args,
    options: { ...SERVICE_OPTIONS, ...JSON_OPTION, ...extra },
    allowPositionals: true,
    strict: true,
  });
  const { json, ...others } = values;
  const pick = (service: boolean) =>
    Object.fromEntries(
      Object.entries(others).filter(
        ([k, v]) => k in SERVICE_OPTIONS === service && v !== undefined,
      ),
    ) as Record<string, string>;
  const service = existingLogConfig(pick(true));
  const serviceFlags = pick(true);
  return {
    service,
    json,
    positionals,
    serviceFlags,
    flags: pick(false) as Partial<Record<string, string>>,
  };
};

/** Exactly `count` positionals, else a usage error naming what was expected. */
const exactly = (positionals: string[], count: number, expected: string): string[] => {
  if (positionals.length !== count)
    throw new UsageError(`${expected}, got ${positionals.length} argument(s)`);
  return positionals;
};

/** Runs one of the audit commands from its command-line arguments. */
export const runAuditCommand = (command: string, argv: string[]): Promise<number> => {
  switch (command) {
    case 'blame': {
      const { service, json, positionals } = parse(argv);
      const [entity, pointer] = exactly(
        positionals,
        2,
        'blame expects <type/id> <json-pointer>, e.g. invoice/INV-7 /total',
      );
      return blameCommand(service, { entity: entity!, pointer: pointer!, json });
    }
    case 'branch': {
      const { service, json, positionals } = parse(argv);
      const [branchId] = exactly(positionals, 1, 'branch expects one <branchId>');
      return branchCommand(service, { branchId: branchId!, json });
    }
    case 'branches': {
      const { service, json, positionals, flags } = parse(argv, { status: { type: 'string' } });
      exactly(positionals, 0, 'branches takes no arguments besides its options');
      const { status } = flags;
      if (status !== undefined && status !== 'open' && status !== 'committed')
        throw new UsageError(`--status expects open or committed, got "${status}"`);
      return branchesCommand(service, { json, ...(status === undefined ? {} : { status }) });
    }
    case 'lineage': {
      const { service, json, positionals, flags } = parse(argv, {
        format: { type: 'string' },
        html: { type: 'string' },
      });
      const [versionId] = exactly(positionals, 1, 'lineage expects one <versionId> or <type/id>');
      const format = flags.format ?? (json ? 'json' : undefined);
      return lineageCommand(service, {
        versionId: versionId!,
        ...(format === undefined ? {} : { format }),
        ...(flags.html === undefined ? {} : { html: creatable(flags.html, 'the lineage page') }),
      });
    }
    case 'replay':
    case 'verify': {
      const { service, json, positionals, flags, serviceFlags } = parse(argv, {
        until: { type: 'string' },
        entity: { type: 'string' },
        part: { type: 'string' },
        jobs: { type: 'string' },
      });
      exactly(positionals, 0, `${command} takes no arguments besides its options`);
      if (flags.jobs !== undefined && flags.part !== undefined)
        throw new UsageError('--jobs and --part do not go together: --jobs runs every part');
      const jobs = wholeNumber('jobs', flags.jobs, 1, 1);
      const part = flags.part === undefined ? undefined : parseWorker(flags.part);
      if (flags.part !== undefined && part === undefined)
        throw new UsageError(`--part expects i/N with 0 ≤ i < N, got "${flags.part}"`);
      const args = {
        json,
        ...(flags.until === undefined ? {} : { until: parseLogPoint(flags.until, 'until') }),
        ...(flags.entity === undefined ? {} : { entity: parseEntityRef(flags.entity) }),
        ...(part === undefined ? {} : { part }),
        ...(jobs === 1
          ? {}
          : {
              jobs: {
                count: jobs,
                // What each part is run with: the same log and types, the same end.
                argv: [
                  ...Object.entries(serviceFlags).flatMap(([k, v]) => [`--${k}`, v]),
                  ...(flags.until === undefined ? [] : ['--until', flags.until]),
                ],
              },
            }),
      };
      return (command === 'replay' ? replayCommand : verifyCommand)(service, args);
    }
    case 'drift': {
      const { service, json, positionals, flags } = parse(argv, { since: { type: 'string' } });
      exactly(positionals, 0, 'drift takes no arguments besides its options');
      return driftCommand(service, {
        json,
        ...(flags.since === undefined ? {} : { since: parseLogPoint(flags.since, 'since') }),
      });
    }
    default:
      throw new UsageError(`unknown audit command "${command}"`);
  }
};
