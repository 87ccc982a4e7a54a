import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/service/config';
import { openService } from '../../src/service/openService';
import { runService } from '../../src/service/runService';
import { commitInvoices, useEsdbEmulator } from '../support/esdbFixture';

const ENTITIES = join(__dirname, '..', 'support', 'testEntities.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the service through a log outage (EventStoreDB emulator)', () => {
  const { dir, emulator } = useEsdbEmulator('service-outage');

  it('keeps running while the server is down, idle or not, and carries on when it is back', async () => {
    const config = loadConfig(
      {},
      { log: emulator().url, entities: ENTITIES, state: dir.file('s.sqlite') },
    );
    const service = await openService(config);
    const stop = new AbortController();
    const retries: { at: number; message: string }[] = [];
    let promoted = 0;
    const running = runService({
      log: service.log,
      promoter: service.promoter,
      publish: service.publish,
      signal: stop.signal,
      idleMs: 100,
      onRound: (round) => (promoted += round.promoted),
      onRetry: (error) => retries.push({ at: performance.now(), message: error.message }),
    });
    let failed: unknown;
    running.catch((error: unknown) => (failed = error));
    await commitInvoices(service.log, 2);
    for (let i = 0; i < 100 && promoted < 2; i++) await sleep(50);
    expect(promoted).toBe(2);
    await emulator().stop(); // the service is idle, waiting for the log to grow
    await sleep(1500);
    expect(failed).toBeUndefined();
    await emulator().start();
    await commitInvoices(service.log, 4); // INV-0, INV-1 again (merged) and two new ones
    for (let i = 0; i < 200 && promoted < 6; i++) await sleep(50);
    stop.abort();
    await running;
    expect(promoted).toBe(6);
    expect(retries[0]!.message).toMatch(/EventStoreDB unavailable/);
    // Waits of 100, 200, 400, 800 ms: a handful of tries in the 1.5 s outage (and the client's
    // reconnection after it), not one per 100 ms (14 before the back-off).
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries.length).toBeLessThanOrEqual(8);
    expect(retries.at(-1)!.at - retries[0]!.at).toBeGreaterThanOrEqual(300); // 100 + 200 at least
    await service.close();
  });
});
