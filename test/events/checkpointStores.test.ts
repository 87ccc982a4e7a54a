import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import { createEventStoreDbCheckpoints } from '../../src/events/esdb/checkpointStreams';
import { createEventStoreDbEventLog } from '../../src/events/esdb/eventStoreDbEventLog';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { storeCheckpoints } from '../../src/projections/storeCheckpoints';
import { describeCheckpointStoreContract } from '../contracts/checkpointStore.contract';
import { branchEvents, newId } from '../support/events';
import { startEsdbTarget, type EsdbTarget } from '../support/esdbTarget';

let target: EsdbTarget;
beforeAll(async () => {
  target = await startEsdbTarget();
});
afterAll(() => target.stop());

describeCheckpointStoreContract('projection store (SQLite)', async () => {
  const store = openProjectionStore(':memory:');
  return { ...storeCheckpoints(store), close: () => store.close() };
});

describeCheckpointStoreContract('EventStoreDB checkpoint streams', async () =>
  createEventStoreDbCheckpoints({ connectionString: target.url, prefix: `c${newId()}` }),
);

describe('EventStoreDB checkpoint streams', () => {
  it('cap their stream with $maxCount and stay out of the log reads', async () => {
    const prefix = `p${newId()}`;
    const checkpoints = createEventStoreDbCheckpoints({
      connectionString: target.url,
      prefix,
      keep: 3,
    });
    const log = createEventStoreDbEventLog({ connectionString: target.url });
    const client = EventStoreDBClient.connectionString(target.url);
    try {
      for (let p = 1; p <= 8; p++) await checkpoints.save('publisher', p * 100);
      await log.append(`${prefix}-branch-x`, branchEvents(2), { expectedRevision: 'no_stream' });
      const stream = `${prefix}-checkpoint-publisher`;
      const kept = [];
      for await (const { event } of client.readStream(stream, {
        direction: BACKWARDS,
        fromRevision: END,
      })) {
        kept.push(event?.data);
      }
      expect(kept).toEqual([{ position: 800 }, { position: 700 }, { position: 600 }]);
      expect((await client.getStreamMetadata(stream)).metadata).toMatchObject({ maxCount: 3 });
      // The log shows only Driftless events: the checkpoint events are system events to it.
      const seen = await log.readAll({ filter: { streamPrefixes: [prefix] } });
      expect(seen.map((e) => e.stream)).toEqual([`${prefix}-branch-x`, `${prefix}-branch-x`]);
      expect(await checkpoints.load('publisher')).toBe(800);
    } finally {
      await checkpoints.close();
      await log.close();
      await client.dispose();
    }
  });
});
