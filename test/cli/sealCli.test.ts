import { join } from 'node:path';
import { openCaughtUp } from '../../src/cli/catchUp';
import { sealCommand, type SealReport } from '../../src/cli/sealCommand';
import { ValidationError } from '../../src/events/errors';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openBranch } from '../../src/sdk/openBranch';
import { loadConfig } from '../../src/service/config';
import { tempDir } from '../support/tempDir';

const ENTITIES = join(__dirname, '..', 'support', 'phasedEntities.ts');
const T1 = { type: 'ticket', id: 'T-1' };

describe('driftless seal', () => {
  const dir = tempDir('seal-cli');
  afterAll(() => dir.remove());

  it('seals a phase at the head, says which branches it leaves behind, which are then quarantined; a second seal records nothing', async () => {
    const path = dir.file('seal.sqlite');
    const config = loadConfig({}, { log: `sqlite:${path}`, entities: ENTITIES });
    const log = createSqliteEventLog({ path });
    const settle = async () => {
      const service = await openCaughtUp(config);
      const round = await service.promoter.runOnce();
      await service.close();
      return round;
    };
    const triage = await openBranch({ log, entity: T1, phase: 'triage', actor: 'a', from: null });
    await triage.set('/title', 'printer on fire').commit();
    expect(await settle()).toMatchObject({ promoted: 1 });
    const late = await openBranch({ log, entity: T1, phase: 'fix', actor: 'b' });

    const seal = async (phase: string) => {
      const lines: string[] = [];
      await sealCommand(config, { entity: 'ticket/T-1', phase, by: 'ops', json: true }, (l) =>
        lines.push(l),
      );
      return JSON.parse(lines[0]!) as SealReport;
    };
    const first = await seal('fix');
    expect(first).toEqual({
      entity: T1,
      phase: 'fix',
      versionId: late.baseVersionId,
      alreadySealed: false,
      pendingBranches: 1,
    });
    await late.set('/fix', 'water').commit();
    expect(await settle()).toMatchObject({ promoted: 0, quarantined: 1 });
    const quarantined = await log.readAll({ filter: { eventTypes: ['BranchQuarantined'] } });
    expect(quarantined.at(-1)?.data).toMatchObject({
      branchId: late.branchId,
      violations: [{ code: 'PHASE_VIOLATION' }],
    });

    expect(await seal('fix')).toMatchObject({ alreadySealed: true, versionId: first.versionId });
    const seals = await log.readAll({ filter: { eventTypes: ['PhaseSealed'] } });
    expect(seals.map((e) => e.metadata.actor)).toEqual(['ops']);

    const text: string[] = [];
    await sealCommand(
      config,
      { entity: 'ticket/T-1', phase: 'triage', by: 'ops', json: false },
      (l) => text.push(l),
    );
    expect(text).toEqual([
      `sealed phase "triage" of ticket/T-1 at version ${first.versionId} (its head)`,
    ]);
    await expect(seal('review')).rejects.toThrow(ValidationError);
    await expect(seal('review')).rejects.toThrow(
      /not a declared phase \(expected a phase of ticket: triage, fix, received review\)/,
    );
    await log.close();
  });
});
