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

  describe.each(['at-least-once', 'exactly-once'] as const)(
    'a snapshot too large for its topic (%s)',
    (mode) => {
      it('goes to the dead-letter topic as a notice, and the snapshots around it are published', async () => {
        const path = dir.file(`oversize-${mode}.sqlite`);
        const log = createSqliteEventLog({ path, maxEventBytes: 4_000_000 });
        const w = createWorld([invoice], log, openProjectionStore(path));
        await w.promote({ type: 'invoice', id: 'INV-1' }, { total: 1 });
        const big = await w.promote(
          { type: 'invoice', id: 'INV-2' },
          { note: 'x'.repeat(1_200_000) },
        );
        await w.promote({ type: 'invoice', id: 'INV-3' }, { total: 3 });
        const prefix = uniquePrefix(`oversize-${mode}`);
        const told: unknown[] = [];
        const sink = await createKafkaSink({
          brokers,
          prefix,
          mode,
          logLevel: logLevel.NOTHING,
          onOversize: (o) => told.push(o),
        });
        const publisher = createPublisher({ log, sink, store: w.store, name: 'kafka' });
        expect(await publisher.catchUp()).toBe(3);
        expect(await publisher.catchUp()).toBe(0);
        await sink.close();

        // The commit markers follow EndTxn's answer: read_committed sees the records soon after.
        let snapshots = await readTopics(brokers, [`${prefix}.snapshots.invoice`]);
        for (let i = 0; i < 50 && snapshots.length < 2; i++) {
          await new Promise((r) => setTimeout(r, 100));
          snapshots = await readTopics(brokers, [`${prefix}.snapshots.invoice`]);
        }
        expect(snapshots.map((r) => r.key).sort()).toEqual(['INV-1', 'INV-3']);
        const [notice, ...more] = await readTopics(brokers, [`${prefix}.dead-letter`]);
        expect(more).toHaveLength(0);
        expect(notice?.key).toBe('INV-2');
        const value = JSON.parse(notice!.value) as { bytes: number };
        expect(value).toMatchObject({
          versionId: big,
          entity: { type: 'invoice', id: 'INV-2' },
          position: expect.any(Number),
        });
        expect(value.bytes).toBeGreaterThan(1_200_000);
        expect(notice?.headers).toMatchObject({
          'dlq-topic': `${prefix}.snapshots.invoice`,
          'dlq-source': 'publisher',
          versionId: big,
        });
        expect(notice?.headers['dlq-reason']).toMatch(
          /^snapshot of \d+ bytes is over the publisher's maxMessageBytes \(1000000\); the version is in the log at position \d+$/,
        );
        expect(told).toEqual([
          {
            versionId: big,
            entity: { type: 'invoice', id: 'INV-2' },
            position: expect.any(Number),
            bytes: value.bytes,
            topic: `${prefix}.snapshots.invoice`,
          },
        ]);
        await log.close();
      });
    },
  );

  it('publishes a large snapshot when maxMessageBytes and the topics it creates allow it; an older topic that does not is named', async () => {
    const path = dir.file('large.sqlite');
    const log = createSqliteEventLog({ path, maxEventBytes: 4_000_000 });
    const w = createWorld([invoice], log, openProjectionStore(path));
    await w.promote({ type: 'invoice', id: 'INV-1' }, { note: 'x'.repeat(1_200_000) });
    const prefix = uniquePrefix('large');
    const sink = await createKafkaSink({
      brokers,
      prefix,
      entityTypes: ['invoice'],
      maxMessageBytes: 2_000_000,
      logLevel: logLevel.NOTHING,
    });
    expect(await createPublisher({ log, sink, store: w.store }).catchUp()).toBe(1);
    await sink.close();
    const [record] = await readTopics(brokers, [`${prefix}.snapshots.invoice`]);
    expect((JSON.parse(record!.value) as Snapshot).doc.note).toHaveLength(1_200_000);

    // Topics created by a sink with the default limit keep it.
    const older = uniquePrefix('older');
    await (
      await createKafkaSink({
        brokers,
        prefix: older,
        entityTypes: ['invoice'],
        logLevel: logLevel.NOTHING,
      })
    ).close();
    const raised = await createKafkaSink({
      brokers,
      prefix: older,
      maxMessageBytes: 2_000_000,
      retry: { retries: 1, initialRetryTime: 50 },
      logLevel: logLevel.NOTHING,
    });
    const publishing = createPublisher({
      log,
      sink: raised,
      store: w.store,
      name: 'raised',
    }).catchUp();
    await expect(publishing).rejects.toThrow(BrokerRefusedError);
    await expect(publishing).rejects.toThrow(
      /MESSAGE_TOO_LARGE: a topic's max.message.bytes is below the sink's maxMessageBytes \(2000000\); raise the topic's, or lower maxMessageBytes to it/,
    );
    await raised.close();
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
