import { VersionConflictError } from '../events/errors';
import type { EventLog } from '../events/eventLog';
import { createIdGenerator } from '../events/ids';
import { newEvent } from '../events/newEvent';
import { streamNames, type StreamNames } from '../events/streams';
import { branchState } from '../projections/branchState';
import type { EntityRegistry } from '../projections/defineEntity';
import { entityStreams } from '../projections/entityStreams';
import { lineage } from '../projections/lineage';
import { createProcessor } from '../projections/processor';
import type { ProjectionStore } from '../projections/projectionStore';
import { referenceGraph } from '../projections/referenceGraph';
import type { GateOptions } from '../validators/gateInput';
import { dueSeals } from './phaseSeals';
import { promotionEvents, type PromotionContext } from './promotionEvents';
import type { EntityRef } from '../events/schemas/common';

export interface PromoterOptions {
  log: EventLog;
  store: ProjectionStore;
  registry: EntityRegistry;
  /** @defaultValue streamNames('driftless') */
  streams?: StreamNames;
  gate?: GateOptions;
  /** @defaultValue a monotonic ULID generator */
  ids?: () => string;
  /** @defaultValue Date.now */
  now?: () => number;
  /** Recorded as the actor of what the promoter writes. @defaultValue 'promoter' */
  actor?: string;
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
  /** Catches the projections up, settles every committed branch once, catches up again. */
  runOnce(): Promise<PromotionRound>;
}

/**
 * The promoter: on each committed branch, reconcile, run the gate, and append the outcome to
 * the entity stream with the revision the projections last saw, so two promoters (or one that
 * restarted) never both decide on one entity state.
 */
export const createPromoter = (options: PromoterOptions): Promoter => {
  const { log, store, registry } = options;
  const streams = options.streams ?? streamNames();
  const processor = createProcessor({
    log,
    store,
    projections: [branchState, lineage, referenceGraph(registry), entityStreams],
  });
  const ctx: PromotionContext = {
    store,
    registry,
    ids: options.ids ?? createIdGenerator(),
    now: options.now ?? Date.now,
    actor: options.actor ?? 'promoter',
    ...(options.gate === undefined ? {} : { gate: options.gate }),
  };

  const settle = async (
    branchId: string,
    round: PromotionRound,
    touched: Map<string, EntityRef>,
  ) => {
    const branch = store.branch(branchId);
    if (branch?.status !== 'committed') return;
    touched.set(streams.entity(branch.entity), branch.entity);
    const stream = streams.entity(branch.entity);
    const events = promotionEvents(ctx, branch);
    try {
      await log.append(stream, events, {
        expectedRevision: store.streamRevision(stream) ?? 'no_stream',
      });
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      round.lostRaces += 1;
      return;
    }
    if (events.at(-1)!.type === 'VersionPromoted') round.promoted += 1;
    else round.quarantined += 1;
    // The next branch of this entity must see this outcome before it is reconciled.
    await processor.catchUp();
  };

  /** The clock is read here, once per branch, and its verdict recorded: replay needs no clock. */
  const expire = async () => {
    const now = ctx.now();
    const late = store.openDeadlines().filter((b) => Date.parse(b.deadline) < now);
    for (const { branchId } of late) {
      const event = newEvent(
        'BranchAbandoned',
        { branchId, reason: 'expired' },
        { actor: ctx.actor, ids: ctx.ids, now: ctx.now },
      );
      // 'any': if the writer's commit lands first, the projections keep the commit.
      await log.append(streams.branch(branchId), [event], { expectedRevision: 'any' });
    }
    if (late.length > 0) await processor.catchUp();
    return late.length;
  };

  const seal = async (entities: EntityRef[]) => {
    const due = dueSeals(store, registry, entities, ctx.actor, ctx.ids);
    for (const event of due)
      await log.append(streams.entity(event.data.entity), [event], { expectedRevision: 'any' });
    if (due.length > 0) await processor.catchUp();
    return due.length;
  };

  return {
    runOnce: async () => {
      const round: PromotionRound = {
        promoted: 0,
        quarantined: 0,
        expired: 0,
        sealed: 0,
        lostRaces: 0,
      };
      await processor.catchUp();
      round.expired = await expire();
      const touched = new Map<string, EntityRef>();
      for (const branchId of store.committedBranches()) await settle(branchId, round, touched);
      await processor.catchUp();
      round.sealed = await seal([...touched.values()]);
      return round;
    },
  };
};
