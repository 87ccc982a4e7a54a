import { parseEntityRef } from '../audit/entityHistory';
import { ValidationError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import { escapeSegment } from '../events/jsonPointer';
import { VIOLATION_CODES } from '../events/schemas/entityEvents';
import { streamNames } from '../events/streams';
import {
  allRejectedEvents,
  listQuarantine,
  rejectedEvents,
  showQuarantine,
  type QuarantineEntry,
} from '../promoter/quarantine';
import type { BranchRow, ProjectionStore } from '../projections/projectionStore';
import type { Promoter } from '../promoter/promoter';
import { parseTakes, settleQuarantined } from './quarantineActions';
import type { ServiceConfig } from '../service/config';
import { openCaughtUp } from './catchUp';
import { shownValue } from './shownValue';

export interface QuarantineArgs {
  action: 'list' | 'show' | 'release' | 'discard' | 'rejected';
  branchId?: string;
  /** `list` only the branches of this entity (`type/id`). */
  entity?: string;
  /** `list` only the branches with a violation of this code. */
  code?: string;
  reason?: string;
  /** `release`: `head`, `branch`, or `/path=head|branch`, as given (repeatable). */
  take?: string[];
  by: string;
  json: boolean;
}

const needed = (value: string | undefined, what: string, example: string): string => {
  if (value !== undefined && value !== '') return value;
  throw new ValidationError([
    { path: `/${what}`, expected: example, received: 'nothing', message: `${what} is missing` },
  ]);
};

type Shown = QuarantineEntry & { rejectedEvents: ReturnType<typeof rejectedEvents> };

/** `quarantine show` for a person: why it stayed out, what it decided, what it would have been. */
const describe = (e: Shown, branch: BranchRow | undefined) => {
  const codeWidth = Math.max(...e.violations.map((v) => v.code.length));
  const pathWidth = Math.max(...e.violations.map((v) => (v.path || '/').length));
  const decisionWidth = Math.max(0, ...e.decisions.map((d) => d.path.length));
  return [
    `quarantined branch ${e.branchId}: ${e.entity.type}/${e.entity.id}` +
      (branch ? `, phase ${branch.phase}, actor ${branch.actor}` : ''),
    `  operated on ${branch?.baseVersionId ?? 'nothing (a new entity)'}; quarantined at log position ${e.position}`,
    'violations',
    ...e.violations.map(
      (v) => `  ${v.code.padEnd(codeWidth)}  ${(v.path || '/').padEnd(pathWidth)}  ${v.message}`,
    ),
    ...(e.rejectedEvents.length === 0
      ? []
      : [
          'events of this branch the projections rejected',
          ...e.rejectedEvents.map((r) => `  log position ${r.position}  ${r.type}  ${r.reason}`),
        ]),
    `decisions${e.decisions.length === 0 ? ' (none)' : ''}`,
    ...e.decisions.map(
      (d) =>
        `  ${d.path.padEnd(decisionWidth)}  base ${shownValue(d.base)}, head ${shownValue(d.ours)}, branch ${shownValue(d.theirs)} -> ${shownValue(d.chosen)} (rule ${d.rule})`,
    ),
    e.candidate === null ? 'candidate (none)' : 'candidate',
    ...Object.entries(e.candidate ?? {}).map(
      ([field, v]) => `  /${escapeSegment(field)}  ${shownValue(v)}`,
    ),
    `then: driftless quarantine release ${e.branchId} --reason "..." (back through the gate` +
      (e.violations.some((v) => v.code === 'UNRESOLVED_CONFLICT')
        ? '; --take head|branch settles its conflicts'
        : '') +
      `) or discard ${e.branchId} --reason "..."`,
  ].join('\n');
};

/** The quarantined branches `--entity` and `--code` choose, and those filters as given. */
const selected = (store: ProjectionStore, args: QuarantineArgs) => {
  const entity = args.entity === undefined ? undefined : parseEntityRef(args.entity);
  if (args.code !== undefined && !(VIOLATION_CODES as readonly string[]).includes(args.code))
    throw new ValidationError([
      {
        path: '/code',
        expected: `one of ${VIOLATION_CODES.join(', ')}`,
        received: args.code,
        message: 'not a violation code',
      },
    ]);
  const entries = listQuarantine(store).filter(
    (e) =>
      (entity === undefined || (e.entity.type === entity.type && e.entity.id === entity.id)) &&
      (args.code === undefined || e.violations.some((v) => v.code === args.code)),
  );
  const filters = [args.entity, args.code].filter((f) => f !== undefined).join(', ');
  return { entries, filters };
};

/** `release` or `discard` of one named branch (`among` absent) or of those the filters chose. */
const settle = async (
  service: { store: ProjectionStore; log: EventLog; promoter: Pick<Promoter, 'catchUp'> },
  args: QuarantineArgs,
  out: (text: string) => void,
  entries: readonly { branchId: string }[],
  among?: string,
) => {
  const reason = needed(args.reason, 'reason', '--reason "why"');
  const { store, log, promoter } = service;
  const { lines, ok } = await settleQuarantined(
    { log, store, by: args.by, reason },
    promoter,
    entries,
    {
      action: args.action as 'release' | 'discard',
      ...(args.take === undefined ? {} : { take: parseTakes(args.take) }),
      ...(among === undefined ? {} : { among }),
    },
  );
  for (const line of lines) out(line);
  return ok ? 0 : 1;
};

/** Each code once, with the paths it was found at (up to three): what --take would name. */
const summary = (e: QuarantineEntry) => {
  const byCode = new Map<string, string[]>();
  for (const v of e.violations) byCode.set(v.code, [...(byCode.get(v.code) ?? []), v.path]);
  const codes = [...byCode].map(([code, paths]) => {
    const named = paths.filter((p) => p !== '');
    if (named.length === 0) return code;
    const more = named.length > 3 ? `, +${named.length - 3}` : '';
    return `${code} (${named.slice(0, 3).join(', ')}${more})`;
  });
  return `${e.branchId}  ${e.entity.type}/${e.entity.id}  ${codes.join(', ')}`;
};

/**
 * `driftless quarantine list|show|release|discard`: brings the projections up to date, then
 * answers from them or records the decision in the log. A running `serve` acts on it next round.
 */
export const quarantineCommand = async (
  config: ServiceConfig,
  args: QuarantineArgs,
  out: (text: string) => void = (text) => console.log(text),
): Promise<number> => {
  const service = await openCaughtUp(config);
  try {
    const { store } = service;
    if (args.action === 'rejected') {
      const rejected = allRejectedEvents(store);
      if (args.json) out(JSON.stringify(rejected));
      else if (rejected.length === 0) out('no event was rejected');
      else
        out(
          [
            `${rejected.length} event(s) the projections rejected (each recorded, the rest went on):`,
            ...rejected.map(
              (r) => `  log position ${r.position}  ${r.type} on ${r.stream}: ${r.reason}`,
            ),
          ].join('\n'),
        );
      return 0;
    }
    if (args.action === 'list') {
      const { entries, filters } = selected(store, args);
      const among = filters === '' ? '' : ` (${filters})`;
      if (args.json) out(JSON.stringify(entries));
      else if (entries.length === 0) out(`quarantine is empty${among}`);
      else out([`${entries.length} quarantined${among}:`, ...entries.map(summary)].join('\n'));
      return 0;
    }
    if (args.take !== undefined && args.action !== 'release')
      throw new ValidationError([
        {
          path: '/take',
          expected: 'quarantine release',
          received: `quarantine ${args.action}`,
          message: '--take goes with release',
        },
      ]);
    if (args.action !== 'show' && args.branchId === undefined) {
      if (args.entity === undefined && args.code === undefined)
        throw new ValidationError([
          {
            path: '/branchId',
            expected: `driftless quarantine ${args.action} <branchId>, or --code / --entity`,
            received: 'nothing',
            message: 'name a branch, or choose branches with --code or --entity',
          },
        ]);
      const { entries, filters } = selected(store, args);
      return await settle(service, args, out, entries, filters);
    }
    const branchId = needed(args.branchId, 'branchId', 'driftless quarantine <action> <branchId>');
    if (args.action === 'show') {
      const entry = showQuarantine(store, branchId);
      if (entry === undefined) {
        out(
          `${branchId} is not in quarantine (${store.branch(branchId)?.status ?? 'unknown branch'})`,
        );
        return 1;
      }
      const shown = {
        ...entry,
        rejectedEvents: rejectedEvents(store, streamNames().branch(branchId)),
      };
      out(args.json ? JSON.stringify(shown) : describe(shown, store.branch(branchId)));
      return 0;
    }
    return await settle(service, args, out, [{ branchId }]);
  } finally {
    await service.close();
  }
};
