import { z } from 'zod';
import { mutationDigest } from '../src/events/hash';
import { newEvent } from '../src/events/newEvent';
import type { Op } from '../src/events/schemas/ops';
import { defineEntity } from '../src/projections/defineEntity';

export const FIELDS = 8;
const fields = Array.from({ length: FIELDS }, (_, i) => `f${i}`);

/** The benchmark's entity: eight numeric fields, conflicts settled by confidence. */
export const account = defineEntity({
  type: 'account',
  schema: z.strictObject(Object.fromEntries(fields.map((f) => [f, z.number().optional()]))),
  policies: Object.fromEntries(fields.map((f) => [`/${f}`, { rule: 'confidence' as const }])),
});

const CONFIDENCES = [0.6, 0.7, 0.8, 0.9];

/**
 * One whole branch as a writer that buffered its work sends it: opened from the head it read,
 * one mutation setting two fields, committed with count and digest.
 */
export const branchEvents = (
  ids: () => string,
  entityId: string,
  baseVersionId: string | null,
  random: () => number,
) => {
  const branchId = ids();
  const pick = () => Math.floor(random() * FIELDS);
  const first = pick();
  const second = (first + 1 + Math.floor(random() * (FIELDS - 1))) % FIELDS;
  const ops: Op[] = [first, second].map((f) => ({
    op: 'set',
    path: `/f${f}`,
    value: Math.floor(random() * 1000),
    confidence: CONFIDENCES[Math.floor(random() * CONFIDENCES.length)]!,
  }));
  const meta = { actor: 'bench-agent', ids };
  return {
    branchId,
    events: [
      newEvent(
        'BranchOpened',
        {
          branchId,
          entity: { type: 'account', id: entityId },
          baseVersionId,
          phase: 'work',
          actor: 'bench-agent',
        },
        meta,
      ),
      newEvent('MutationRecorded', { branchId, seq: 1, ops }, meta),
      newEvent(
        'BranchCommitted',
        { branchId, mutationCount: 1, digest: mutationDigest([ops]) },
        meta,
      ),
    ],
  };
};
