import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { z } from 'zod';
import { defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createEmbeddedTopic } from '../../src/publishers/embedded/embeddedTopic';
import { createPublisher } from '../../src/publishers/publisher';
import type { SnapshotSink } from '../../src/publishers/snapshotSink';
import { tempDir } from '../support/tempDir';
import { createWorld } from '../support/world';

const invoice = defineEntity({ type: 'invoice', schema: z.object({}).loose() });

const filled = async (n: number) => {
  const path = tempDir().file('driftless.sqlite');
  const log = createSqliteEventLog({ path });
  const w = createWorld([invoice], log);
  for (let i = 0; i < n; i++) await w.promote({ type: 'invoice', id: `INV-${i % 3}` }, { n: i });
  return { path, log };
};

describe('embedded snapshot topic', () => {
  it('publishes every promoted version once, in log order, with offsets', async () => {
    const { path, log } = await filled(7);
    const topic = createEmbeddedTopic({ path });
    const publisher = createPublisher({
      log,
      sink: topic,
      store: openProjectionStore(path),
      batchSize: 3,
    });
    expect(await publisher.catchUp()).toBe(7);
    expect(await publisher.catchUp()).toBe(0);
    const records = topic.read();
    expect(records.map((r) => r.offset)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(records.map((r) => r.snapshot.doc)).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    expect(records[0]!.snapshot).not.toHaveProperty('decisions');
    await log.close();
  });

  it('moves its checkpoint only after the sink acknowledged, and stores a repeat once, with no gap', async () => {
    const { path, log } = await filled(6);
    const topic = createEmbeddedTopic({ path });
    let calls = 0;
    // The sink stores the batch, then the acknowledgement is lost on the second call.
    const flaky: SnapshotSink = {
      publish: async (snapshots) => {
        await topic.publish(snapshots);
        if (++calls === 2) throw new Error('ack lost');
      },
      close: async () => undefined,
    };
    const store = openProjectionStore(path);
    await expect(
      createPublisher({ log, sink: flaky, store, batchSize: 2 }).catchUp(),
    ).rejects.toThrow('ack lost');
    await createPublisher({ log, sink: flaky, store, batchSize: 2 }).catchUp();
    expect(topic.read().map((r) => r.snapshot.doc)).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ n })));
    // The repeated batch took no offsets: downstream sees no gap.
    expect(topic.read().map((r) => r.offset)).toEqual([1, 2, 3, 4, 5, 6]);
    await log.close();
  });
});
