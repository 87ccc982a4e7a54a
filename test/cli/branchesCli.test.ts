import { join } from 'node:path';
import { abandonCommand } from '../../src/cli/abandonCommand';
import { branchCommand, branchesCommand } from '../../src/cli/auditCommands';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openBranch } from '../../src/sdk/openBranch';
import { loadConfig } from '../../src/service/config';
import { openService } from '../../src/service/openService';
import { tempDir } from '../support/tempDir';

const dir = tempDir('branches-cli');
afterAll(() => dir.remove());

describe('driftless branches and abandon', () => {
  it('lists the branches with no outcome yet, oldest first, with how long they waited', async () => {
    const path = dir.file('b.sqlite');
    const config = loadConfig(
      {},
      { log: `sqlite:${path}`, entities: join(__dirname, '..', 'support', 'testEntities.ts') },
    );
    const log = createSqliteEventLog({ path });
    const at = (iso: string) => () => Date.parse(iso);
    const open = (id: string, actor: string, time: string) =>
      openBranch({ log, entity: { type: 'invoice', id }, phase: 'p', actor, now: at(time) });
    const crashed = await open('INV-1', 'crashed', '2026-11-26T09:00:00Z');
    await crashed.set('/total', 1).save(); // and never commits
    const settled = await open('INV-2', 'fine', '2026-11-26T10:00:00Z');
    await settled.set('/total', 2).commit();
    const service = await openService(config);
    await service.promoter.runOnce(); // settles INV-2
    await service.close();
    const waiting = await open('INV-3', 'waiting', '2026-11-26T11:58:00Z');
    await waiting.set('/total', 3).commit(); // committed after the promoter's last round
    await log.close();

    const lines: string[] = [];
    const noon = at('2026-11-26T12:00:00Z');
    const list = (args: Parameters<typeof branchesCommand>[1]) =>
      branchesCommand(config, args, (t) => lines.push(t), noon);
    expect(await list({ json: false })).toBe(0);
    expect(lines.pop()!.split('\n')).toEqual([
      '2 open or committed branch(es), oldest first:',
      `  ${crashed.branchId}  invoice/INV-1         open       crashed, phase p, 1 mutation(s), opened 2026-11-26T09:00:00.000Z (3 h ago)`,
      `  ${waiting.branchId}  invoice/INV-3         committed  waiting, phase p, 1 mutation(s), opened 2026-11-26T11:58:00.000Z (2 min ago)`,
    ]);
    await list({ status: 'open', json: true });
    expect(JSON.parse(lines.pop()!)).toEqual([
      expect.objectContaining({ branchId: crashed.branchId, status: 'open', mutations: 1 }),
    ]);
    await list({ status: 'committed', json: false });
    expect(lines.pop()).toMatch(/^1 committed branch\(es\), oldest first:\n/);

    // Its own report says how long it has been open, and how to end it.
    await branchCommand(
      config,
      { branchId: crashed.branchId, json: false },
      (t) => lines.push(t),
      noon,
    );
    expect(lines.pop()).toContain(
      `  outcome      open for 3 h; if its writer is gone: driftless abandon ${crashed.branchId} --reason "…"`,
    );
    // The crashed writer's branch is ended by hand; a committed one is the promoter's to settle.
    const abandon = (branchId: string) =>
      abandonCommand(config, { branchId, reason: 'writer gone', by: 'ops' }, (t) => lines.push(t));
    expect(await abandon(crashed.branchId)).toBe(0);
    expect(lines.pop()).toBe(`abandoned ${crashed.branchId}: it will never be promoted`);
    await expect(abandon(waiting.branchId)).rejects.toThrow(
      /it is committed: the promoter settles it next round/,
    );
    await list({ status: 'open', json: false });
    expect(lines.pop()).toBe('no open branches');
    const check = createSqliteEventLog({ path });
    const [abandoned] = await check.readStream(`driftless-branch-${crashed.branchId}`, {
      direction: 'backwards',
      limit: 1,
    });
    await check.close();
    expect(abandoned).toMatchObject({
      type: 'BranchAbandoned',
      data: { reason: 'abandoned by ops: writer gone' },
      metadata: { actor: 'ops' },
    });
  });
});
