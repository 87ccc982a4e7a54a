import { DriftlessError, ValidationError } from '../events/errors';
import type { Take } from '../events/schemas/entityEvents';
import type { Promoter } from '../promoter/promoter';
import {
  actionTook,
  discardQuarantine,
  releaseQuarantine,
  showQuarantine,
  type QuarantineAction,
  type QuarantineEntry,
} from '../promoter/quarantine';

const SIDES = ['head', 'branch'] as const;

/** `--take head`, `--take branch` (every conflict) or `--take /path=side`, each repeatable. */
export const parseTakes = (given: string[]): 'head' | 'branch' | Take[] => {
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

export interface Settling {
  action: 'release' | 'discard';
  take?: 'head' | 'branch' | Take[];
  /** The filters that chose the branches, for the summary line; absent for one named branch. */
  among?: string;
}

/**
 * Releases or discards each branch, then reads back which actions took (another operator may
 * have got there first). One branch named: its refusal is thrown, as before. Several: a
 * refusal (a --take path it is not in conflict at) is reported and the rest go on.
 * Resolves with the lines to print and whether every action took.
 */
export const settleQuarantined = async (
  base: Omit<QuarantineAction, 'branchId'>,
  promoter: Pick<Promoter, 'catchUp'>,
  entries: readonly Pick<QuarantineEntry, 'branchId'>[],
  settling: Settling,
): Promise<{ lines: string[]; ok: boolean }> => {
  const { action } = settling;
  const single = settling.among === undefined;
  const recorded: { branchId: string; takes: Take[]; others: string[] }[] = [];
  const lines: string[] = [];
  for (const { branchId } of entries) {
    // What a side taken does not settle: the gate checks those again.
    const codes = showQuarantine(base.store, branchId)?.violations.map((v) => v.code) ?? [];
    const others = [...new Set(codes.filter((c) => c !== 'UNRESOLVED_CONFLICT'))];
    try {
      const one = { ...base, branchId };
      const take = settling.take === undefined ? {} : { take: settling.take };
      let takes: Take[] = [];
      if (action === 'release') takes = await releaseQuarantine({ ...one, ...take });
      else await discardQuarantine(one);
      recorded.push({ branchId, takes, others });
    } catch (error) {
      if (single || !(error instanceof DriftlessError) || error.retriable) throw error;
      lines.push(`did not ${action} ${branchId}: ${error.message}`);
    }
  }
  await promoter.catchUp();
  for (const { branchId, takes, others } of recorded) {
    const { took, status } = actionTook(base.store, branchId, action);
    const settled = takes.map((t) => `${t.path} from the ${t.side}`).join(', ');
    if (!took)
      lines.push(
        action === 'release'
          ? `did not release ${branchId}: it was discarded first (now ${status}); the release changed nothing`
          : `did not discard ${branchId}: it was released first (now ${status}); the discard changed nothing`,
      );
    else
      lines.push(
        action === 'release'
          ? `released ${branchId}: the promoter puts it through the gate again` +
              (settled === '' ? '' : `, taking ${settled}`) +
              (settled === '' || others.length === 0
                ? ''
                : ` (it was also quarantined for ${others.join(', ')}, which taking a side does not change)`)
          : `discarded ${branchId}: recorded as abandoned`,
      );
  }
  const done = lines.filter((l) => !l.startsWith('did not')).length;
  if (!single)
    lines.push(
      `${action === 'release' ? 'released' : 'discarded'} ${done} of ${entries.length} quarantined (${settling.among})`,
    );
  return { lines, ok: done === entries.length };
};
