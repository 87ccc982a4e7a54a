import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { versionHash } from '../../src/events/hash';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createKafkaSink } from '../../src/publishers/kafka/kafkaSink';
import { BrokerRefusedError, BrokerUnavailableError } from '../../src/publishers/kafka/kafkaErrors';
import { createPublisher } from '../../src/publishers/publisher';
import type { Snapshot } from '../../src/publishers/snapshotSink';
import { tempDir } from '../support/tempDir';
import { createWorld } from '../support/world';
import { invoice } from '../support/testEntities';
import { quietKafka, readTopics, testBrokers, uniquePrefix } from '../support/kafka/kafkaTestKit';
import { writeVersionChains } from '../support/kafka/versionChains';
import { logLevel } from 'kafkajs';

const brokers = testBrokers();

describe('Kafka sink', () => {
  const dir = tempDir('kafka-sink');
  afterAll(() => dir.remove());

  it('provisions its topics and publishes each snapshot keyed by entity, with its lineage in headers', async () => {
    const path = dir.file('chains.sqlite');
    const chains = await writeVersionChains(path, 5, 4);
    const prefix = uniquePrefix('sink');
    const sink = await createKafkaSink({
      brokers,
      prefix,
      entityTypes: ['invoice'],
      topics: { partitions: 3 },
      logLevel: logLevel.NOTHING,
    });
    const admin = quietKafka(brokers).admin();
    await admin.connect();
    const [meta] = (await admin.fetchTopicMetadata({ topics: [`${prefix}.snapshots.invoice`] }))
      .topics;
    expect(meta?.partitions).toHaveLength(3);
    await admin.disconnect();

    const log = createSqliteEventLog({ path });
    const store = openProjectionStore(path);
    const publisher = createPublisher({ log, sink, store, name: 'kafka', batchSize: 7 });
    expect(await publisher.catchUp()).toBe(20);
    expect(await publisher.catchUp()).toBe(0);
    await sink.close();

    const records = await readTopics(brokers, [`${prefix}.snapshots.invoice`]);
    expect(records).toHaveLength(20);
    for (const r of records) {
      const s = JSON.parse(r.value) as Snapshot & { schemaVersion: number };
      expect(r.key).toBe(s.entity.id);
      expect(r.headers).toEqual({
        versionId: s.versionId,
        hash: s.hash,
        parents: s.parents.join(','),
        schemaVersion: '1',
        'content-type': 'application/json',
      });
      expect(s).toMatchObject({
        schemaVersion: 1,
        decisionSummary: { count: 1, byRule: { 'theirs-only': 1 } },
      });
      expect(s).not.toHaveProperty('decisions');
      expect(versionHash({ ...s, parentHashes: s.parentHashes })).toBe(s.hash);
    }
    // Per entity, one partition, in the order the versions were promoted.
    for (const [id, versions] of chains) {
      const mine = records.filter((r) => r.key === id);
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
      expect(mine.map((r) => r.headers.versionId)).toEqual(versions);
    }
    store.close();
    await log.close();
  });

  it('publishes quarantined branches to the quarantine topic when asked', async () => {
    const path = dir.file('quarantine.sqlite');
    const log = createSqliteEventLog({ path });
    const w = createWorld([invoice], log, openProjectionStore(path));
    await w.promote({ type: 'invoice', id: 'INV-1' }, { total: 1 });
    const branchId = await w.open({ type: 'invoice', id: 'INV-1' }, null);
    await log.append(
      'test-entity-invoice-INV-1',
      [
        (await import('../../src/events/newEvent')).newEvent(
          'BranchQuarantined',
          {
            branchId,
            entity: { type: 'invoice', id: 'INV-1' },
            violations: [{ code: 'SCHEMA_INVALID', path: '/total', message: 'expected number' }],
          },
          { actor: 'promoter' },
        ),
      ],
      { expectedRevision: 'any' },
    );
    const prefix = uniquePrefix('quarantine');
    const sink = await createKafkaSink({
      brokers,
      prefix,
      quarantines: true,
      logLevel: logLevel.NOTHING,
    });
    expect(await createPublisher({ log, sink, store: w.store }).catchUp()).toBe(1);
    await sink.close();
    const [q] = await readTopics(brokers, [`${prefix}.quarantine`]);
    expect(q?.key).toBe('INV-1');
    expect(JSON.parse(q!.value)).toMatchObject({
      branchId,
      entity: { type: 'invoice', id: 'INV-1' },
      violations: [{ code: 'SCHEMA_INVALID', path: '/total' }],
    });
    expect(await readTopics(brokers, [`${prefix}.snapshots.invoice`])).toHaveLength(1);
    await log.close();
  });

  it('says clearly when the broker refuses its topics, and when no broker answers', async () => {
    const refused = createKafkaSink({
      brokers,
      prefix: uniquePrefix('refused'),
      entityTypes: ['invoice'],
      topics: { replicationFactor: 3 },
      logLevel: logLevel.NOTHING,
    });
    await expect(refused).rejects.toThrow(BrokerRefusedError);
    await expect(refused).rejects.toThrow(
      /refused to create topics .*snapshots\.invoice.*INVALID_REPLICATION_FACTOR/,
    );
    const unreachable = createKafkaSink({
      brokers: ['127.0.0.1:1'],
      prefix: uniquePrefix('nobody'),
      retry: { retries: 1, initialRetryTime: 50 },
      logLevel: logLevel.NOTHING,
    });
    await expect(unreachable).rejects.toThrow(BrokerUnavailableError);
    await expect(unreachable).rejects.toMatchObject({
      code: 'BROKER_UNAVAILABLE',
      retriable: true,
    });
  });
});
