import { parseEntityRef } from '../audit/entityHistory';
import { sealPhase } from '../promoter/phaseSeals';
import type { ServiceConfig } from '../service/config';
import { openCaughtUp } from './catchUp';

export interface SealArgs {
  entity: string;
  phase: string;
  by: string;
  json: boolean;
}

/** What `driftless seal` did: the seal, and how many branches of the phase it leaves behind. */
export interface SealReport {
  entity: { type: string; id: string };
  phase: string;
  versionId: string;
  /** Sealed before: nothing was recorded. */
  alreadySealed: boolean;
  /** Branches of the phase still open or committed: they will be quarantined (PHASE_VIOLATION). */
  pendingBranches: number;
}

/**
 * `driftless seal <type/id> <phase>`: records PhaseSealed at the entity's head, as an operator
 * closing a phase by hand (entity types with `sealPhases: 'auto'` are sealed by the promoter),
 * and says how many branches of the phase that leaves behind.
 */
export const sealCommand = async (
  config: ServiceConfig,
  args: SealArgs,
  out: (text: string) => void = (text) => console.log(text),
): Promise<number> => {
  const service = await openCaughtUp(config);
  try {
    const { store, log, registry } = service;
    const entity = parseEntityRef(args.entity);
    const { pending } = store
      .statement(
        "SELECT count(*) AS pending FROM branches WHERE entity_type = ? AND entity_id = ? AND phase = ? AND status IN ('open', 'committed')",
      )
      .get(entity.type, entity.id, args.phase) as { pending: number };
    const sealed = await sealPhase({
      log,
      store,
      registry,
      entity,
      phase: args.phase,
      by: args.by,
    });
    const report: SealReport = { entity, phase: args.phase, ...sealed, pendingBranches: pending };
    if (args.json) out(JSON.stringify(report));
    else if (report.alreadySealed)
      out(
        `phase "${args.phase}" of ${args.entity} was sealed before, at version ${report.versionId}: nothing recorded`,
      );
    else
      out(
        `sealed phase "${args.phase}" of ${args.entity} at version ${report.versionId} (its head)` +
          (pending > 0
            ? `; ${pending} branch(es) of this phase still open or committed will be quarantined (PHASE_VIOLATION) when settled`
            : ''),
      );
    return 0;
  } finally {
    await service.close();
  }
};
