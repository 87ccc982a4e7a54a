import { parseEntityRef } from '../audit/entityHistory';
import { ValidationError } from '../events/errors';
import { escapeSegment } from '../events/jsonPointer';
import { VIOLATION_CODES, type Take } from '../events/schemas/entityEvents';
import { streamNames } from '../events/streams';
import {
  actionTook,
  allRejectedEvents,
  discardQuarantine,
  listQuarantine,
  rejectedEvents,
  releaseQuarantine,
  showQuarantine,
  type QuarantineEntry,
} from '../promoter/quarantine';
import type { BranchRow } from '../projections/projectionStore';
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

const SIDES = ['head', 'branch'] as const;

/** `--take head`, `--take branch` (every conflict) or `--take /path=side`, each repeatable. */
const parseTakes = (given: string[]): 'head' | 'branch' | Take[] => {
  const refuse = (received: string) =>
    new ValidationError([
      {
        path: '/take',
        expected: 'head, branch, or /path=head|branch',
        received,
        message: 'not a side to take',
      },
    ]);
  const whole = given.filter((g) => (SIDES as readonly string[]).includes(g));
  if (whole.length > 0) {
    if (given.length > 1) throw refuse(given.join(' '));
    return whole[0] as 'head' | 'branch';
  }
  return given.map((g) => {
    const at = g.lastIndexOf('=');
    const side = g.slice(at + 1);
    const path = g.slice(0, at);
    if (at < 0 || !path.startsWith('/') || !(SIDES as readonly string[]).includes(side))
      throw refuse(g);
    return { path, side: side as Take['side'] };
  });
};

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

const summary = (e: QuarantineEntry) =>
  `${e.branchId}  ${e.entity.type}/${e.entity.id}  ${[...new Set(e.violations.map((v) => v.code))].join(', ')}`;

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
    const { store, log } = service;
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
      const filtered = [args.entity, args.code].filter((f) => f !== undefined);
      const among = filtered.length === 0 ? '' : ` (${filtered.join(', ')})`;
      if (args.json) out(JSON.stringify(entries));
      else if (entries.length === 0) out(`quarantine is empty${among}`);
      else out([`${entries.length} quarantined${among}:`, ...entries.map(summary)].join('\n'));
      return 0;
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
    const reason = needed(args.reason, 'reason', '--reason "why"');
    if (args.take !== undefined && args.action !== 'release')
      throw new ValidationError([
        {
          path: '/take',
          expected: 'quarantine release',
          received: `quarantine ${args.action}`,
          message: '--take goes with release',
        },
      ]);
    const action = { log, store, branchId, by: args.by, reason };
    let takes: Take[] = [];
    if (args.action === 'discard') await discardQuarantine(action);
    else {
      const take = args.take === undefined ? {} : { take: parseTakes(args.take) };
      takes = await releaseQuarantine({ ...action, ...take });
    }
    // Another operator may have released or discarded it meanwhile: say which one counted.
    await service.promoter.catchUp();
    const { took, status } = actionTook(store, branchId, args.action);
    if (!took) {
      out(
        args.action === 'release'
          ? `did not release ${branchId}: it was discarded first (now ${status}); the release changed nothing`
          : `did not discard ${branchId}: it was released first (now ${status}); the discard changed nothing`,
      );
      return 1;
    }
    const settled = takes.map((t) => `${t.path} from the ${t.side}`).join(', ');
    out(
      args.action === 'release'
        ? `released ${branchId}: the promoter puts it through the gate again` +
            (settled === '' ? '' : `, taking ${settled}`)
        : `discarded ${branchId}: recorded as abandoned`,
    );
    return 0;
  } finally {
    await service.close();
  }
};
