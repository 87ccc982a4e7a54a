import type { EventLog } from '../../src/events/eventLog';
import type { EntityRef } from '../../src/events/schemas/common';
import type { Promoter } from '../../src/promoter/promoter';
import { openBranch } from '../../src/sdk/openBranch';
import { initialDocuments } from './documentStore';
import type { Workload } from './workload';

const BATCH = 500;

/** Writes each document as a genesis branch and promotes it: vendors first, then invoices. */
export const promoteInitialDocuments = async (
  log: EventLog,
  promoter: Promoter,
  workload: Workload,
): Promise<void> => {
  const docs = initialDocuments(workload);
  for (const type of ['vendor', 'invoice']) {
    const ofType = docs.filter(([entity]) => entity.type === type);
    for (let i = 0; i < ofType.length; i += BATCH) {
      await Promise.all(
        ofType.slice(i, i + BATCH).map(([entity, { doc }]) => genesis(log, entity, doc)),
      );
      while ((await promoter.runOnce()).promoted > 0);
    }
  }
};

const genesis = async (log: EventLog, entity: EntityRef, doc: Record<string, unknown>) => {
  const branch = await openBranch({ log, entity, phase: 'reasoning', actor: 'loader', from: null });
  for (const [field, value] of Object.entries(doc))
    branch.set(`/${field}`, value as Parameters<typeof branch.set>[1], { confidence: 0.3 });
  await branch.commit();
};
