import { createIdGenerator } from '../../src/events/ids';
import { newEvent } from '../../src/events/newEvent';
import { mutationDigest } from '../../src/events/hash';
import type { Op } from '../../src/events/schemas/ops';

const ids = createIdGenerator();
export const newId = (): string => ids();

export const opened = (branchId = newId(), entityId = 'INV-1') =>
  newEvent(
    'BranchOpened',
    {
      branchId,
      entity: { type: 'invoice', id: entityId },
      baseVersionId: null,
      phase: 'reasoning',
      actor: 'agent-a',
    },
    { actor: 'agent-a' },
  );

export const mutated = (
  branchId: string,
  seq: number,
  ops: Op[] = [{ op: 'set', path: '/total', value: seq }],
) => newEvent('MutationRecorded', { branchId, seq, ops }, { actor: 'agent-a' });

export const committed = (branchId: string, opsInSequence: Op[][]) =>
  newEvent(
    'BranchCommitted',
    { branchId, mutationCount: opsInSequence.length, digest: mutationDigest(opsInSequence) },
    { actor: 'agent-a' },
  );

/** `n` valid events for one branch stream: an open followed by mutations. */
export const branchEvents = (n: number, branchId = newId()) => [
  opened(branchId),
  ...Array.from({ length: n - 1 }, (_, i) => mutated(branchId, i + 1)),
];
