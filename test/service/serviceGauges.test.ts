import { join } from 'node:path';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/service/config';
import { openService } from '../../src/service/openService';
import { registerServiceGauges } from '../../src/service/serviceGauges';
import { commitInvoices } from '../support/esdbFixture';
import { tempDir } from '../support/tempDir';

const ENTITIES = join(__dirname, '..', 'support', 'testEntities.ts');

describe('service gauges', () => {
  const dir = tempDir('service-gauges');
  afterAll(() => dir.remove());

  it('tells, per SQLite file, how long the service held its write lock and waited for it', async () => {
    const [log, state] = [dir.file('log.sqlite'), dir.file('state.sqlite')];
    const service = await openService(
      loadConfig({}, { log: `sqlite:${log}`, entities: ENTITIES, state }),
    );
    const registry = new Registry();
    registerServiceGauges(registry, service);
    const value = async (metric: string, file: string) => {
      const text = await registry.metrics();
      const line = text.split('\n').find((l) => l.startsWith(`${metric}{file="${file}"} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    };
    const held = 'driftless_sqlite_write_lock_held_seconds_total';
    const waited = 'driftless_sqlite_write_lock_wait_seconds_total';
    const before = { log: (await value(held, log))!, state: (await value(held, state))! };
    await commitInvoices(service.log, 20);
    expect(await service.promoter.runOnce()).toMatchObject({ promoted: 20 });
    expect(await service.publish()).toBe(20);
    // The appends held the log file's lock; the projections and the topic the state file's.
    expect(await value(held, log)).toBeGreaterThan(before.log);
    expect(await value(held, state)).toBeGreaterThan(before.state);
    expect(await value(waited, log)).toBeGreaterThanOrEqual(0);
    expect(await value(waited, state)).toBeGreaterThanOrEqual(0);
    await service.close();
  });
});
