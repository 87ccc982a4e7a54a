import * as E from 'fp-ts/Either';
import type { Promotion } from '../src/audit/entityHistory';
import { applyVersion } from '../src/audit/rebuildVersion';
import { createReplayState } from '../src/audit/replayState';
import { canonicalJson } from '../src/events/canonicalJson';
import type { DriftlessEvent } from '../src/events/catalogue';
import { versionHash } from '../src/events/hash';
import { createIdGenerator } from '../src/events/ids';
import { newEvent } from '../src/events/newEvent';
import type { RecordedEvent } from '../src/events/eventLog';
import { openDatabase } from '../src/events/sqlite/openDatabase';
import { streamNames } from '../src/events/streams';
import { createRegistry } from '../src/projections/defineEntity';
import { reconcileBranch } from '../src/projections/reconcileBranch';
import { progress } from './measure';
import { account, branchEvents } from './pipelineDomain';

/** Also the entities module `driftless verify` loads in the benchmark's `--jobs` run. */
export const entities = [account];
export const registry = createRegistry(entities);
const streams = streamNames();
/** Branches written before the promoter settles them: those on one entity are concurrent. */
const ROUND = 500;

/**
 * Fills a SQLite log with about `n` events as writers and the promoter would leave them:
 * whole branches (open, one mutation, commit) opened from the head of one of `entities`
 * accounts, a round of them at a time, then each settled by the promoter's own reconciliation
 * (DivergenceDetected when stale, then VersionPromoted with hash and decisions). Written with
 * bare INSERTs, the way the SQLite adapter stores rows, so filling takes seconds.
 */
export const fillReplayLog = (path: string, n: number, entities: number): number => {
  const db = openDatabase(path, { synchronous: 'OFF' });
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const revisions = new Map<string, number>();
  let position = 0;
  const write = (stream: string, event: DriftlessEvent): RecordedEvent => {
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    const { data, metadata } = event;
    insert.run(
      stream,
      revision,
      metadata.eventId,
      event.type,
      canonicalJson(data),
      canonicalJson(metadata),
    );
    position += 1;
    return { ...event, stream, revision, position };
  };
  const ids = createIdGenerator();
  const state = createReplayState();
  let seed = 99;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const round = db.transaction(() => {
    const written = Array.from({ length: ROUND }, () => {
      const entityId = `A-${Math.floor(random() * entities)}`;
      const head = state.reader.head({ type: 'account', id: entityId });
      const b = branchEvents(ids, entityId, head?.versionId ?? null, random);
      for (const e of b.events) {
        const recorded = write(streams.branch(b.branchId), e);
        if (recorded.type === 'BranchOpened') state.opened(recorded);
        else if (recorded.type === 'MutationRecorded') state.mutated(recorded);
        else if (recorded.type === 'BranchCommitted') state.committed(recorded);
      }
      return b.branchId;
    });
    for (const branchId of written) settle(branchId);
  });
  const settle = (branchId: string) => {
    const r = reconcileBranch(state.reader, registry, branchId);
    if (E.isLeft(r)) throw new Error(r.left);
    const { branch, divergence, result, parents } = r.right;
    const stream = streams.entity(branch.entity);
    const meta = { actor: 'promoter', ids };
    if (divergence.kind === 'diverged')
      write(stream, newEvent('DivergenceDetected', divergence.event, meta));
    if (E.isLeft(result)) {
      const violations = [{ code: 'UNRESOLVED_CONFLICT' as const, path: '', message: 'tie' }];
      write(
        stream,
        newEvent('BranchQuarantined', { branchId, entity: branch.entity, violations }, meta),
      );
      state.quarantined(branchId);
      return;
    }
    const parentRows = parents.map((p) => state.reader.version(p)!);
    const v = {
      versionId: ids(),
      entity: branch.entity,
      parents,
      depth: parentRows.length === 0 ? 0 : Math.max(...parentRows.map((p) => p.depth)) + 1,
      phase: branch.phase,
      branchIds: [branchId],
      promotedAt: new Date().toISOString(),
    };
    const { doc, decisions } = result.right;
    const hash = versionHash({ ...v, doc, parentHashes: parentRows.map((p) => p.hash) });
    const event = write(stream, newEvent('VersionPromoted', { ...v, hash, doc, decisions }, meta));
    applyVersion(
      state,
      event as Promotion,
      E.right({ ...v, hash, doc, decisions, commitMismatch: null }),
    );
  };
  try {
    const step = Math.ceil(n / 10);
    while (position < n) {
      const before = position;
      round();
      if (Math.floor(position / step) > Math.floor(before / step))
        progress(`fill: ${position.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} events`);
    }
    return position;
  } finally {
    db.close();
  }
};
