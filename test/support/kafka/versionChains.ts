import type { JsonObject } from '../../../src/reconcilers/json';
import { versionHash } from '../../../src/events/hash';
import { createIdGenerator } from '../../../src/events/ids';
import { newEvent } from '../../../src/events/newEvent';
import { createSqliteEventLog } from '../../../src/events/sqlite/sqliteEventLog';
import { streamNames } from '../../../src/events/streams';
import { lineage } from '../../../src/projections/lineage';
import { createProcessor } from '../../../src/projections/processor';
import { openProjectionStore } from '../../../src/projections/projectionStore';

/** What a version chain test expects downstream, per entity id: version ids in order. */
export type Chains = Map<string, string[]>;

/**
 * Appends promoted versions to `entities` invoices in a SQLite log, one per entity a round,
 * each chained to the one before (hashes, parents, depth as the promoter writes them), and
 * runs the lineage projection so publishers find the parents' hashes.
 */
export const createChainWriter = (
  path: string,
  entities: number,
  options: {
    /** The document of entity `e` in round `round`. @defaultValue a small invoice */
    doc?: (round: number, e: number) => JsonObject;
    /** Called as each version's append is acknowledged. */
    onAppend?: (versionId: string) => void;
  } = {},
) => {
  const log = createSqliteEventLog({ path, synchronous: 'OFF' });
  const store = openProjectionStore(path);
  const processor = createProcessor({ log, store, projections: [lineage] });
  const ids = createIdGenerator();
  const streams = streamNames();
  const chains: Chains = new Map();
  const heads = new Map<string, { versionId: string; hash: string; depth: number }>();
  let round = 0;
  const promote = async (e: number) => {
    const entity = { type: 'invoice', id: `INV-${e}` };
    const head = heads.get(entity.id);
    const meta = {
      versionId: ids(),
      entity,
      depth: head === undefined ? 0 : head.depth + 1,
      phase: 'reasoning',
      branchIds: [ids()],
      promotedAt: new Date(Date.UTC(2026, 10, 25, 9, 0, round)).toISOString(),
    };
    const doc = options.doc?.(round, e) ?? {
      total: round * 10 + e,
      note: `round ${round}`,
      lines: [{ sku: 'A', qty: e }],
    };
    const parentHashes = head === undefined ? [] : [head.hash];
    const hash = versionHash({ ...meta, doc, parentHashes });
    const decisions = [
      {
        path: '/total',
        theirs: doc.total,
        chosen: doc.total,
        rule: 'theirs-only',
        branchIds: meta.branchIds,
      },
    ];
    const data = {
      ...meta,
      parents: head === undefined ? [] : [head.versionId],
      hash,
      doc,
      decisions,
    };
    heads.set(entity.id, { versionId: meta.versionId, hash, depth: meta.depth });
    chains.set(entity.id, [...(chains.get(entity.id) ?? []), meta.versionId]);
    await log.append(
      streams.entity(entity),
      [newEvent('VersionPromoted', data, { actor: 'promoter' })],
      { expectedRevision: 'any' },
    );
    options.onAppend?.(meta.versionId);
  };
  return {
    chains,
    /** One more version of every entity, appended concurrently (interleaved in the log). */
    round: async () => {
      await Promise.all(Array.from({ length: entities }, (_, e) => promote(e)));
      round += 1;
      await processor.catchUp();
    },
    close: async () => {
      store.close();
      await log.close();
    },
  };
};

/** A log with `perEntity` chained versions of each of `entities` invoices. */
export const writeVersionChains = async (path: string, entities: number, perEntity: number) => {
  const writer = createChainWriter(path, entities);
  for (let i = 0; i < perEntity; i++) await writer.round();
  await writer.close();
  return writer.chains;
};
