import type { DriftlessEvent, EventType } from '../../src/events/catalogue';
import { newEvent } from '../../src/events/newEvent';

const B = '01JD00000000000000000000B1';
const V1 = '01JD00000000000000000000V1';
const V2 = '01JD00000000000000000000V2';
const entity = { type: 'invoice', id: 'INV-42' };
const meta = {
  actor: 'agent-extract',
  ids: () => '01JD00000000000000000000E1',
  now: () => Date.UTC(2026, 10, 22),
};

/** One valid event of every type in the catalogue. */
export const catalogueExamples: { [T in EventType]: Extract<DriftlessEvent, { type: T }> } = {
  BranchOpened: newEvent(
    'BranchOpened',
    {
      branchId: B,
      entity,
      baseVersionId: V1,
      phase: 'enrichment',
      actor: 'agent-vendor',
      deadline: '2026-11-22T10:05:00Z',
    },
    meta,
  ),
  MutationRecorded: newEvent(
    'MutationRecorded',
    {
      branchId: B,
      seq: 1,
      ops: [
        {
          op: 'set',
          path: '/vendor/name',
          value: 'ACME GmbH',
          confidence: 0.9,
          reason: 'registry lookup',
        },
        { op: 'unset', path: '/draftNote' },
        { op: 'upsert', path: '/lines', value: { sku: 'A-1', qty: 2 } },
        { op: 'remove', path: '/lines', key: 'B-7' },
        { op: 'add', path: '/tags', value: 'reviewed' },
      ],
    },
    meta,
  ),
  BranchCommitted: newEvent(
    'BranchCommitted',
    { branchId: B, mutationCount: 1, digest: 'a'.repeat(64) },
    meta,
  ),
  BranchAbandoned: newEvent('BranchAbandoned', { branchId: B, reason: 'expired' }, meta),
  DivergenceDetected: newEvent(
    'DivergenceDetected',
    {
      branchId: B,
      entity,
      baseVersionId: V1,
      headVersionId: V2,
      staleness: 1,
      overlap: ['/total'],
    },
    meta,
  ),
  VersionPromoted: newEvent(
    'VersionPromoted',
    {
      versionId: V2,
      entity,
      parents: [V1],
      depth: 2,
      phase: 'enrichment',
      branchIds: [B],
      promotedAt: '2026-11-22T10:01:00.000Z',
      hash: 'b'.repeat(64),
      doc: { total: 120, vendor: { name: 'ACME GmbH' } },
      decisions: [
        {
          path: '/total',
          base: 100,
          ours: 110,
          theirs: 120,
          chosen: 120,
          rule: 'confidence',
          confidence: 0.9,
          branchIds: [B],
        },
      ],
    },
    meta,
  ),
  BranchQuarantined: newEvent(
    'BranchQuarantined',
    {
      branchId: B,
      entity,
      violations: [
        {
          code: 'DANGLING_REFERENCE',
          path: '/vendorRef',
          message: 'vendor/V-9 has no promoted version',
        },
      ],
      candidate: { vendorRef: { type: 'vendor', id: 'V-9' } },
    },
    meta,
  ),
  PhaseSealed: newEvent('PhaseSealed', { entity, phase: 'reasoning', versionId: V1 }, meta),
  QuarantineReleased: newEvent(
    'QuarantineReleased',
    { branchId: B, entity, by: 'ops@example.com', reason: 'vendor restored' },
    meta,
  ),
};
