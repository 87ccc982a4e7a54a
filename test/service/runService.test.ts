import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { createRegistry } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { createEmbeddedTopic } from '../../src/publishers/embedded/embeddedTopic';
import { createPublisher } from '../../src/publishers/publisher';
import { runService } from '../../src/service/runService';
import { tempDir } from '../support/tempDir';
import { writeBranches } from '../support/writeBranches';
import { invoice } from '../support/testEntities';

const open = (path: string) => {
  const log = createSqliteEventLog({ path });
  const store = openProjectionStore(path);
  const promoter = createPromoter({ log, store, registry: createRegistry([invoice]) });
  const topic = createEmbeddedTopic({ path });
  const close = async () => {
    await topic.close();
    store.close();
    await log.close();
  };
  return { log, store, promoter, topic, close };
};

describe('stopping the service', () => {
  const dir = tempDir('run-service');
  afterAll(() => dir.remove());

  it('stops during a long catch-up when its signal aborts, and loses nothing', async () => {
    const path = dir.file('stop.sqlite');
    await writeBranches(path, 4000); // 12,000 events: twelve batches to apply
    const first = open(path);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 0); // as SIGINT would, from outside the round
    await runService({
      log: first.log,
      promoter: first.promoter,
      publish: createPublisher({ log: first.log, sink: first.topic, store: first.store }).catchUp,
      signal: stop.signal,
    });
    const applied = first.promoter.position();
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(12_000);
    expect(first.store.committedBranches().length).toBeLessThan(4000);
    await first.close();

    // The next start carries on from the checkpoint and settles everything.
    const second = open(path);
    expect(await second.promoter.runOnce()).toMatchObject({ promoted: 4000, quarantined: 0 });
    const publisher = createPublisher({ log: second.log, sink: second.topic, store: second.store });
    expect(await publisher.catchUp()).toBe(4000);
    await second.close();
  });

  it('publishes one batch more at most once its signal aborted', async () => {
    const path = dir.file('publish.sqlite');
    await writeBranches(path, 50);
    const { log, store, promoter, topic, close } = open(path);
    await promoter.runOnce();
    const publisher = createPublisher({ log, sink: topic, store, batchSize: 10 });
    expect(await publisher.catchUp(AbortSignal.abort())).toBe(10);
    expect(await publisher.catchUp()).toBe(40);
    expect(topic.read({ limit: 100 })).toHaveLength(50);
    await close();
  });
});
