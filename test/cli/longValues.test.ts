import { join } from 'node:path';
import { blameCommand } from '../../src/cli/auditCommands';
import { quarantineCommand } from '../../src/cli/quarantineCommand';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openBranch } from '../../src/sdk/openBranch';
import { loadConfig } from '../../src/service/config';
import { openService } from '../../src/service/openService';
import { tempDir } from '../support/tempDir';

const dir = tempDir('long-values');
afterAll(() => dir.remove());

describe('long values on the terminal', () => {
  it('quarantine show and blame cut them at 120 characters; decisions line up by path', async () => {
    const path = dir.file('long.sqlite');
    const config = loadConfig(
      {},
      { log: `sqlite:${path}`, entities: join(__dirname, '..', 'support', 'testEntities.ts') },
    );
    const log = createSqliteEventLog({ path });
    const entity = { type: 'invoice', id: 'INV-1' };
    const [a, b] = [
      await openBranch({ log, entity, phase: 'p', actor: 'a', from: null }),
      await openBranch({ log, entity, phase: 'p', actor: 'b', from: null }),
    ];
    await a.set('/total', 1).commit();
    // Conflicts with a on /total (rule reject); its long note rides along in the candidate.
    await b.set('/total', 2).set('/note', 'x'.repeat(5000)).set('/qty', 3).commit();
    const single = await openBranch({
      log,
      entity: { type: 'invoice', id: 'INV-2' },
      phase: 'p',
      actor: 'c',
    });
    await single.set('/note', 'x'.repeat(5000)).commit();
    await log.close();
    const service = await openService(config);
    await service.promoter.runOnce();
    await service.close();
    const lines: string[] = [];
    const show = (json: boolean) =>
      quarantineCommand(config, { action: 'show', branchId: b.branchId, by: 't', json }, (t) =>
        lines.push(t),
      );
    expect(await show(false)).toBe(0);
    const text = lines.pop()!;
    const cut = `"${'x'.repeat(119)}… (5002 characters; --json shows all)`;
    expect(text).toContain(`\n  /note  base (absent), head (absent), branch ${cut} -> ${cut}`);
    expect(text).toContain('\n  /qty   base (absent), head (absent), branch 3 -> 3 (rule ');
    expect(text.length).toBeLessThan(2000);
    await show(true);
    expect(JSON.parse(lines.pop()!)).toMatchObject({ candidate: { note: 'x'.repeat(5000) } });
    const blamed = { entity: 'invoice/INV-2', pointer: '/note' };
    expect(await blameCommand(config, { ...blamed, json: false }, (t) => lines.push(t))).toBe(0);
    expect(lines.pop()).toContain(`\n  value ${cut}  rule theirs-only`);
  });
});
