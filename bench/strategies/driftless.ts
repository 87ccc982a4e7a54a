import { performance } from 'node:perf_hooks';
import type { Op } from '../../src/events/schemas/ops';
import type { SynchronousMode } from '../../src/events/sqlite/openDatabase';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { createRegistry } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { sealPhase } from '../../src/promoter/phaseSeals';
import { createPromoter } from '../../src/promoter/promoter';
import { createEmbeddedTopic } from '../../src/publishers/embedded/embeddedTopic';
import { createPublisher } from '../../src/publishers/publisher';
import { openBranch, type BranchWriter } from '../../src/sdk/openBranch';
import { runService } from '../../src/service/runService';
import { headReader } from './driftlessReads';
import { promoteInitialDocuments } from './driftlessSetup';
import { invoiceType, vendorType } from './invoice';
import type { Runtime } from './runtime';
import { driftlessOutcome } from './driftlessOutcome';
import { createSettlements } from './settlements';
import type { Task } from './workload';

const ACTORS: Record<Task['kind'], string> = {
  classify: 'classifier',
  discount: 'pricer',
  'switch-vendor': 'vendor-dedup',
  'remove-vendor': 'vendor-cleanup',
  summarize: 'summarizer',
};

const push = (writer: BranchWriter, ops: readonly Op[]) => {
  for (const op of ops) {
    const o = op.confidence === undefined ? {} : { confidence: op.confidence };
    if (op.op === 'set') writer.set(op.path, op.value, o);
    else if (op.op === 'add') writer.add(op.path, op.value, o);
    else throw new Error(`bench: agents do not ${op.op}`);
  }
};

/**
 * Driftless, the real embedded pipeline in one SQLite file: branches through the SDK into the
 * log, the promoter (projections, reconciliation, gate) and the publisher into the embedded
 * topic running as `driftless serve` does. Branches read the promoted head; the orchestrator
 * seals an entity's enrichment phase once what committed in time is settled.
 */
export const createDriftlessRuntime = (options: {
  path: string;
  synchronous: SynchronousMode;
}): Runtime => {
  const { path } = options;
  const log = createSqliteEventLog({ path, synchronous: options.synchronous });
  const store = openProjectionStore(path);
  const registry = createRegistry([invoiceType, vendorType]);
  const promoter = createPromoter({ log, store, registry });
  const topic = createEmbeddedTopic({ path });
  const publisher = createPublisher({ log, sink: topic, store });
  const settlements = createSettlements(store);
  const branches = new Map<string, { entity: string; index: number }>();
  const stop = new AbortController();
  let service: Promise<void> = Promise.resolve();

  const readHead = headReader(store);

  return {
    setup: async (workload) => {
      await promoteInitialDocuments(log, promoter, workload);
      await publisher.catchUp();
      service = runService({
        log,
        promoter,
        publish: publisher.catchUp,
        signal: stop.signal,
        idleMs: 50,
        onRound: () => settlements.poll(),
      });
    },
    begin: () => undefined,
    enter: async () => performance.now(),
    closeEnrichment: async (entity) => {
      await settlements.drained(entity.id);
      await sealPhase({
        log,
        store,
        registry,
        entity: { type: 'invoice', id: entity.id },
        phase: 'enrichment',
        by: 'orchestrator',
      });
      return performance.now();
    },
    open: async (entity, branch) => {
      const [from, read] = readHead(branch.target);
      const writer = await openBranch({
        log,
        entity: branch.target,
        phase: branch.phase,
        actor: ACTORS[branch.task.kind],
        from,
      });
      branches.set(writer.branchId, { entity: entity.id, index: branch.index });
      let settled: Promise<number> = Promise.resolve(performance.now());
      return {
        read,
        write: async (ops) => {
          push(writer, ops);
          await writer.save();
        },
        finish: async (ops) => {
          push(writer, ops);
          settled = settlements.expect(writer.branchId, entity.id);
          await writer.commit();
        },
        settledAt: () => settled,
      };
    },
    collect: async (workload) => driftlessOutcome(store, workload, branches),
    close: async () => {
      stop.abort();
      await service;
      await topic.close();
      store.close();
      await log.close();
    },
  };
};
