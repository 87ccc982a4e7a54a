import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createEventStoreDbCheckpoints } from '../../src/events/esdb/checkpointStreams';
import { loadConfig } from '../../src/service/config';
import { openService } from '../../src/service/openService';
import { commitInvoices, useEsdbEmulator } from '../support/esdbFixture';
import { readTopics, testBrokers, uniquePrefix } from '../support/kafka/kafkaTestKit';

const ENTITIES = join(__dirname, '..', 'support', 'testEntities.ts');
const brokers = testBrokers();

describe('Kafka publishing with the log on EventStoreDB (emulator)', () => {
  const { dir, emulator } = useEsdbEmulator('kafka-esdb');

  it('keeps the publisher checkpoint in an EventStoreDB checkpoint stream, so a lost state file sends nothing again', async () => {
    const prefix = uniquePrefix('esdb');
    const state = dir.file('state.sqlite');
    const config = loadConfig(
      { DRIFTLESS_KAFKA_BROKERS: brokers.join(','), DRIFTLESS_KAFKA_PREFIX: prefix },
      { log: emulator().url, entities: ENTITIES, state },
    );
    const first = await openService(config);
    await commitInvoices(first.log, 3);
    expect((await first.promoter.runOnce()).promoted).toBe(3);
    expect(await first.publish()).toBe(3);
    const lastPromoted = first.promoter.position();
    await first.close();

    const checkpoints = createEventStoreDbCheckpoints({ connectionString: emulator().url });
    expect(await checkpoints.load(`kafka:${prefix}`)).toBeGreaterThanOrEqual(lastPromoted);
    await checkpoints.close();

    rmSync(state); // the projections are rebuilt from the log; the checkpoint is not in the file
    const second = await openService(config);
    await second.promoter.runOnce();
    expect(await second.publish()).toBe(0);
    await second.close();
    const records = await readTopics(brokers, [`${prefix}.snapshots.invoice`]);
    expect(records.map((r) => r.key).sort()).toEqual(['INV-0', 'INV-1', 'INV-2']);
  });
});
