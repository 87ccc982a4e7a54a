import Database from 'better-sqlite3';
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

  it('skips, with its reason, an outcome that is no version, and publishes the rest', async () => {
    const { path, log } = await filled(7); // INV-0: n 0, 3, 6; INV-1: 1, 4; INV-2: 2, 5
    // Written around the promoter: a garbage document on one last version, an unknown parent
    // on another.
    const db = new Database(path);
    const edit = (n: number, set: string) =>
      (
        db
          .prepare(
            `UPDATE events SET data = json_set(data, ${set}) WHERE type = 'VersionPromoted' AND json_extract(data, '$.doc.n') = ? RETURNING position`,
          )
          .get(n) as { position: number }
      ).position;
    const garbage = edit(4, "'$.doc', 'DROP TABLE'");
    const orphan = edit(5, "'$.parents', json_array('01ARZ3NDEKTSV4RRFFQ69G5FAV')");
    db.close();
    const topic = createEmbeddedTopic({ path });
    const skipped: { position: number; reason: string }[] = [];
    const publisher = createPublisher({
      log,
      sink: topic,
      store: openProjectionStore(path),
      onSkipped: ({ position, reason }) => skipped.push({ position, reason }),
    });
    expect(await publisher.catchUp()).toBe(5);
    expect(topic.read().map((r) => r.snapshot.doc)).toEqual([0, 1, 2, 3, 6].map((n) => ({ n })));
    expect(skipped).toEqual([
      {
        position: garbage,
        reason: expect.stringMatching(/^invalid event: .*\/data\/doc/) as string,
      },
      { position: orphan, reason: 'its parent 01ARZ3NDEKTSV4RRFFQ69G5FAV was never promoted' },
    ]);
    await log.close();
  });
});
