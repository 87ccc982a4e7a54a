import type { DriftlessEvent, EventData } from '../events/catalogue';
import { ValidationError, VersionConflictError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import { createIdGenerator } from '../events/ids';
import { newEvent } from '../events/newEvent';
import type { EntityRef } from '../events/schemas/common';
import { streamNames, type StreamNames } from '../events/streams';
import { branchState } from '../projections/branchState';
import type { EntityRegistry } from '../projections/defineEntity';
import { entityStreams } from '../projections/entityStreams';
import { gateLookups } from '../projections/gateLookups';
import { lineage } from '../projections/lineage';
import { passReads } from '../projections/passReads';
import { createProcessor, type Rejection } from '../projections/processor';
import type { BranchRow, ProjectionStore } from '../projections/projectionStore';
import { referenceGraph } from '../projections/referenceGraph';
import type { GateOptions } from '../validators/gateInput';
import { dueSeals } from './phaseSeals';
import { promotionEvents, unrecordable, type PromotionContext } from './promotionEvents';
import { entityKey, trackedLookups } from './trackedLookups';
import { assignedTo, type WorkerAssignment } from './workerAssignment';

export interface PromoterOptions {
  log: EventLog;
  store: ProjectionStore;
  registry: EntityRegistry;
  /** @defaultValue streamNames('driftless') */
  streams?: StreamNames;
  gate?: GateOptions;
  /** Only the entities assigned to this worker. @defaultValue every entity */
  worker?: WorkerAssignment;
  /** @defaultValue a monotonic ULID generator */
  ids?: () => string;
  /** @defaultValue Date.now */
  now?: () => number;
  /** Recorded as the actor of what the promoter writes. @defaultValue 'promoter' */
  actor?: string;
  /** Called with the log position after each batch of events the projections applied. */
  onApplied?: (position: number) => void;
  /** Called for each event the projections refused (recorded in `rejected_events`). */
  onRejected?: (rejection: Rejection) => void;
  /** Called for each branch this promoter quarantined, once its outcome is in the log. */
  onQuarantined?: (quarantine: EventData<'BranchQuarantined'>) => void;
}

export interface PromotionRound {
  promoted: number;
  quarantined: number;
  /** Open branches past their deadline, recorded as abandoned (reason: expired). */
  expired: number;
  /** Phases sealed automatically. */
  sealed: number;
  /** Appends another promoter won first; those branches are looked at again next round. */
  lostRaces: number;
}

export interface Promoter {
  /**
   * Catches the projections up and settles every committed branch there is. When `signal`
   * aborts during the catch-up, stops there and settles nothing.
   */
  runOnce(signal?: AbortSignal): Promise<PromotionRound>;
  /**
   * Like `runOnce`, but one pass only: at most one branch per entity is settled, so a caller
   * such as the service can publish what it promoted before the next pass. The projections
   * apply this pass's outcomes at the start of the next call (with whatever else arrived).
   */
  runPass(signal?: AbortSignal): Promise<PromotionRound>;
  /** Catches the projections up and decides nothing (for readers such as the quarantine CLI). */
  catchUp(): Promise<number>;
  /** The last log position the promoter's projections applied. */
  position(): number;
}

interface Settlement {
  branch: BranchRow;
  entity: EntityRef;
  stream: string;
  events: DriftlessEvent[];
  expectedRevision: number | 'no_stream';
}

/**
 * The promoter: on each committed branch, reconcile, run the gate, and append the outcome to
 * the entity stream with the revision the projections last saw, so two promoters (or one that
 * restarted) never both decide on one entity state. Branches of different entities are settled
 * in passes: their appends go out together and the projections catch up once per pass.
 */
export const createPromoter = (options: PromoterOptions): Promoter => {
  const { log, store, registry, worker } = options;
  const streams = options.streams ?? streamNames();
  const owns = (entity: EntityRef) => worker === undefined || assignedTo(entity, worker);
  const processor = createProcessor({
    log,
    store,
    projections: [branchState, lineage, referenceGraph(registry), entityStreams],
    ...(options.onApplied === undefined ? {} : { onProgress: options.onApplied }),
    ...(options.onRejected === undefined ? {} : { onRejected: options.onRejected }),
  });
  const ctx: PromotionContext = {
    store,
    registry,
    ids: options.ids ?? createIdGenerator(),
    now: options.now ?? Date.now,
    actor: options.actor ?? 'promoter',
    ...(options.gate === undefined ? {} : { gate: options.gate }),
  };
  const hasReferences = (entity: EntityRef) =>
    (registry.get(entity.type)?.references.length ?? 0) > 0;

  /**
   * One branch per entity, oldest first, whose verdict read nothing this pass changes. A
   * branch that must wait holds its entity back too, so each entity's branches keep their order.
   */
  const planPass = store.db.transaction((): Settlement[] => {
    const busy = new Set<string>();
    let busyReferences = false;
    const pass: Settlement[] = [];
    const reads = passReads(store);
    const passCtx = { ...ctx, store: reads };
    for (const branchId of reads.committedBranches()) {
      const branch = reads.branch(branchId)!;
      const key = entityKey(branch.entity);
      if (busy.has(key) || !owns(branch.entity)) continue;
      const tracked = trackedLookups(gateLookups(reads, registry));
      const events = promotionEvents(passCtx, branch, tracked.lookups);
      const waits =
        (tracked.reads.referrers && busyReferences) ||
        [...tracked.reads.entities].some((e) => busy.has(e));
      busy.add(key);
      busyReferences ||= hasReferences(branch.entity);
      if (waits) continue;
      const stream = streams.entity(branch.entity);
      pass.push({
        branch,
        entity: branch.entity,
        stream,
        events,
        expectedRevision: store.streamRevision(stream) ?? 'no_stream',
      });
    }
    return pass;
  });

  /** Appends a settlement; resolves with the type of its outcome as recorded. */
  const record = async (s: Settlement): Promise<DriftlessEvent['type']> => {
    const expected = { expectedRevision: s.expectedRevision };
    let outcome = s.events.at(-1)!;
    try {
      await log.append(s.stream, s.events, expected);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // The log refused the outcome (over its event size limit, say): it wrote nothing, so the
      // revision still holds for a quarantine that says why. One branch never stops the promoter.
      outcome = unrecordable(ctx, s.branch, outcome, error);
      await log.append(s.stream, [outcome], expected);
    }
    if (outcome.type === 'BranchQuarantined') options.onQuarantined?.(outcome.data);
    return outcome.type;
  };

  const settle = async (round: PromotionRound, touched: Map<string, EntityRef>, passes: number) => {
    for (let n = 0; n < passes; n++) {
      // The next branch of each entity must see the last pass's outcomes before it is reconciled.
      if (n > 0) await processor.catchUp();
      const pass = planPass();
      if (pass.length === 0) return;
      const results = await Promise.allSettled(pass.map(record));
      let settled = 0;
      results.forEach((result, i) => {
        const { entity } = pass[i]!;
        if (result.status === 'rejected') {
          if (!(result.reason instanceof VersionConflictError)) throw result.reason;
          round.lostRaces += 1;
          return;
        }
        settled += 1;
        touched.set(entityKey(entity), entity);
        if (result.value === 'VersionPromoted') round.promoted += 1;
        else round.quarantined += 1;
      });
      // Every append lost to another promoter: its outcomes are in the log, leave them be.
      if (settled === 0) return;
    }
  };

  /** The clock is read here, once per branch, and its verdict recorded: replay needs no clock. */
  const expire = async () => {
    const now = ctx.now();
    const late = store
      .openDeadlines()
      .filter((b) => Date.parse(b.deadline) < now && owns(store.branch(b.branchId)!.entity));
    await Promise.all(
      late.map(({ branchId }) => {
        const event = newEvent(
          'BranchAbandoned',
          { branchId, reason: 'expired' },
          { actor: ctx.actor, ids: ctx.ids, now: ctx.now },
        );
        // 'any': if the writer's commit lands first, the projections keep the commit.
        return log.append(streams.branch(branchId), [event], { expectedRevision: 'any' });
      }),
    );
    if (late.length > 0) await processor.catchUp();
    return late.length;
  };

  const seal = async (entities: EntityRef[]) => {
    const due = dueSeals(store, registry, entities, ctx.actor, ctx.ids);
    const results = await Promise.allSettled(
      due.map((event) => {
        const stream = streams.entity(event.data.entity);
        return log.append(stream, [event], {
          expectedRevision: store.streamRevision(stream) ?? 'no_stream',
        });
      }),
    );
    const rejected = results.find(
      (r) => r.status === 'rejected' && !(r.reason instanceof VersionConflictError),
    );
    if (rejected !== undefined) throw (rejected as PromiseRejectedResult).reason;
    if (due.length > 0) await processor.catchUp();
    return results.filter((r) => r.status === 'fulfilled').length;
  };

  const autoSeals = (entities: Iterable<EntityRef>) =>
    [...entities].some((e) => registry.get(e.type)?.sealPhases === 'auto');

  /**
   * After its passes, a round catches up with its own outcomes when it must: `runOnce` always
   * (its callers read the projections next), `runPass` only when a phase may be sealed. Else the
   * next round's catch-up applies them with the writers' new events, in one transaction.
   */
  const run = async (passes: number, signal?: AbortSignal) => {
    const round: PromotionRound = {
      promoted: 0,
      quarantined: 0,
      expired: 0,
      sealed: 0,
      lostRaces: 0,
    };
    await processor.catchUp(signal);
    // Stopping: decide nothing on projections that may be behind the log.
    if (signal?.aborted === true) return round;
    round.expired = await expire();
    const touched = new Map<string, EntityRef>();
    await settle(round, touched, passes);
    if (passes === Infinity || autoSeals(touched.values())) await processor.catchUp();
    round.sealed = await seal([...touched.values()]);
    return round;
  };

  return {
    runOnce: (signal) => run(Infinity, signal),
    runPass: (signal) => run(1, signal),
    catchUp: () => processor.catchUp(),
    position: () => processor.position(),
  };
};
