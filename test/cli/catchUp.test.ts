import { join } from 'node:path';
import { catchUpProgress, openCaughtUp } from '../../src/cli/catchUp';
import { loadConfig } from '../../src/service/config';
import { tempDir } from '../support/tempDir';
import { writeBranches } from '../support/writeBranches';

const ENTITIES = join(__dirname, '..', 'support', 'testEntities.ts');

describe('catching the projections up before a command answers', () => {
  const dir = tempDir('catch-up');
  afterAll(() => dir.remove());

  it('says how far it got while it catches up, then that it is done, and nothing when there is nothing to do', async () => {
    const path = dir.file('lagging.sqlite');
    await writeBranches(path, 2500);
    const config = loadConfig({}, { log: `sqlite:${path}`, entities: ENTITIES });
    const lines: string[] = [];
    const service = await openCaughtUp(config, { out: (l) => lines.push(l), everyMs: 0 });
    expect(service.promoter.position()).toBe(7500);
    expect(service.store.committedBranches()).toHaveLength(2500);
    await service.close();

    // One line per batch of 1,000 events applied, then the total.
    const progress =
      /^catching up with the log: ([\d,]+) events applied in [\d.]+ s \([\d,]+\/s\), at log position (\d+) of 7500$/;
    expect(lines.slice(0, -1).map((l) => progress.exec(l)?.slice(1))).toEqual(
      [1000, 2000, 3000, 4000, 5000, 6000, 7000, 7500].map((n) => [
        n.toLocaleString('en-US'),
        String(n),
      ]),
    );
    expect(lines.at(-1)).toMatch(
      /^caught up: 7,500 events applied in [\d.]+ s .*position 7500 of 7500$/,
    );

    const again: string[] = [];
    await (await openCaughtUp(config, { out: (l) => again.push(l), everyMs: 0 })).close();
    expect(again).toEqual([]);
  });

  it('stays quiet when catching up takes less than a second', async () => {
    const path = dir.file('small.sqlite');
    await writeBranches(path, 20);
    const lines: string[] = [];
    const config = loadConfig({}, { log: `sqlite:${path}`, entities: ENTITIES });
    const service = await openCaughtUp(config, { out: (l) => lines.push(l) });
    expect(service.promoter.position()).toBe(60);
    await service.close();
    expect(lines).toEqual([]);
  });

  it('says it stopped, not that it caught up, when it ends short of the log’s end', () => {
    const lines: string[] = [];
    const progress = catchUpProgress({ out: (l) => lines.push(l), everyMs: 0 });
    progress.start(1000, 5000);
    progress.onApplied(2000);
    progress.finish();
    expect(lines.map((l) => l.replace(/ in .* s \(.*\/s\)/, ''))).toEqual([
      'catching up with the log: 1,000 events applied, at log position 2000 of 5000',
      'stopped catching up: 1,000 events applied, at log position 2000 of 5000',
    ]);
  });
});
