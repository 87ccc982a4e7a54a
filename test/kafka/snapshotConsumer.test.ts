import { logLevel, Partitioners } from 'kafkajs';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openProjectionStore } from '../../src/projections/projectionStore';
import type { ReceivedSnapshot } from '../../src/publishers/kafka/acceptSnapshot';
import { createKafkaSink } from '../../src/publishers/kafka/kafkaSink';
import { createSnapshotConsumer } from '../../src/publishers/kafka/snapshotConsumer';
import { createPublisher } from '../../src/publishers/publisher';
import { tempDir } from '../support/tempDir';
import {
  eventually,
  quietKafka,
  readTopics,
  testBrokers,
  uniquePrefix,
} from '../support/kafka/kafkaTestKit';
import { writeVersionChains } from '../support/kafka/versionChains';

const brokers = testBrokers();
const quiet = { logLevel: logLevel.NOTHING };

/** Publishes a fresh chain log (entities x versions) under a new prefix. */
const published = async (path: string, entities: number, perEntity: number) => {
  const chains = await writeVersionChains(path, entities, perEntity);
  const prefix = uniquePrefix('consumer');
  const sink = await createKafkaSink({ brokers, prefix, entityTypes: ['invoice'], ...quiet });
  const log = createSqliteEventLog({ path });
  const store = openProjectionStore(path);
  await createPublisher({ log, sink, store }).catchUp();
  await sink.close();
  store.close();
  await log.close();
  return { chains, prefix, topic: `${prefix}.snapshots.invoice` };
};

const byEntity = (received: readonly ReceivedSnapshot[]) => {
  const out = new Map<string, string[]>();
  for (const s of received) out.set(s.entity.id, [...(out.get(s.entity.id) ?? []), s.versionId]);
  return out;
};

describe('snapshot consumer SDK', () => {
  const dir = tempDir('kafka-consumer');
  afterAll(() => dir.remove());

  it('hands over each version once in entity order, drops repeats and stale versions, and dead-letters bad records with the reason', async () => {
    const { chains, prefix, topic } = await published(dir.file('a.sqlite'), 4, 5);
    const records = await readTopics(brokers, [topic]);
    const [first, second] = records.filter((r) => r.key === 'INV-0');
    // Written after the good ones: a repeat, a stale version, and three bad records.
    const tampered = JSON.parse(second!.value) as { doc: Record<string, unknown> };
    tampered.doc.total = 999_999;
    const producer = quietKafka(brokers).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'INV-1', value: records.find((r) => r.key === 'INV-1')!.value },
        { key: 'INV-0', value: first!.value },
        { key: 'INV-2', value: '{"not json' },
        { key: 'INV-2', value: JSON.stringify({ schemaVersion: 1, versionId: 'nope' }) },
        { key: 'INV-0', value: JSON.stringify(tampered) },
      ],
    });
    await producer.disconnect();

    const received: ReceivedSnapshot[] = [];
    const consumer = await createSnapshotConsumer({
      brokers,
      prefix,
      groupId: `g-${prefix}`,
      entityTypes: ['invoice'],
      handler: (s) => void received.push(s),
      ...quiet,
    });
    await eventually(() => consumer.stats().received === 25, 'all 25 records');
    await eventually(() => consumer.stats().deadLettered === 3, 'the dead letters');
    await consumer.stop();

    expect(byEntity(received)).toEqual(chains);
    expect(consumer.stats()).toEqual({ received: 25, delivered: 20, dropped: 2, deadLettered: 3 });
    const withParents = received.find((s) => s.parents.length === 1)!;
    expect(withParents.lineage).toEqual([
      { versionId: withParents.parents[0], hash: withParents.parentHashes[0] },
    ]);
    const dead = await readTopics(brokers, [`${prefix}.dead-letter`]);
    // Records of different partitions: the order between them is not fixed.
    const reasons = dead.map((d) => d.headers['dlq-reason']!).sort();
    expect(reasons).toEqual([
      expect.stringMatching(
        /^hash mismatch: the envelope says [0-9a-f]{64}, its content hashes to/,
      ),
      expect.stringMatching(/^not a snapshot envelope: at "\/versionId": a ULID/),
      expect.stringMatching(/^value is not JSON/),
    ]);
    expect(dead.find((d) => d.value === '{"not json')).toMatchObject({
      key: 'INV-2',
      headers: { 'dlq-topic': topic, 'dlq-group': `g-${prefix}` },
    });
  });

  it('commits offsets only after the handler succeeded: a failed handler sees the snapshot again, a restarted group goes on where it stopped', async () => {
    const { chains, prefix, topic } = await published(dir.file('b.sqlite'), 2, 6);
    const received: ReceivedSnapshot[] = [];
    let attempts = 0;
    const options = {
      brokers,
      prefix,
      groupId: `g-${prefix}`,
      entityTypes: ['invoice'],
      retry: { retries: 3, initialRetryTime: 20 },
      ...quiet,
    };
    const consumer = await createSnapshotConsumer({
      ...options,
      handler: (s) => {
        if (s.entity.id === 'INV-1' && s.depth === 3 && attempts++ === 0)
          throw new Error('downstream hiccup');
        received.push(s);
      },
    });
    await eventually(() => consumer.stats().delivered === 12, 'twelve deliveries');
    await consumer.stop();
    expect(attempts).toBe(2); // failed once, then handled
    expect(byEntity(received)).toEqual(chains);

    // A record written after the group stopped: a new member gets that one and nothing older.
    const last = (await readTopics(brokers, [topic])).at(-1)!;
    const producer = quietKafka(brokers).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: last.key, value: last.value }] });
    await producer.disconnect();
    const later: ReceivedSnapshot[] = [];
    const again = await createSnapshotConsumer({ ...options, handler: (s) => void later.push(s) });
    await eventually(() => later.length === 1, 'the new record');
    await new Promise((r) => setTimeout(r, 500));
    await again.stop();
    expect(later.map((s) => [s.versionId, s.source.topic])).toEqual([
      [last.headers.versionId, topic],
    ]);
    expect(BigInt(later[0]!.source.offset)).toBeGreaterThan(BigInt(last.offset));
  });

  it('dead-letters a snapshot its handler keeps failing on, with the error, and goes on with the rest', async () => {
    const { chains, prefix } = await published(dir.file('c.sqlite'), 3, 4);
    const received: ReceivedSnapshot[] = [];
    let tries = 0;
    let refused: string | undefined;
    const consumer = await createSnapshotConsumer({
      brokers,
      prefix,
      groupId: `g-${prefix}`,
      entityTypes: ['invoice'],
      handlerRetry: { attempts: 3, initialDelayMs: 10 },
      handler: (s) => {
        if (s.entity.id === 'INV-2' && s.depth === 2) {
          tries += 1;
          refused = s.versionId;
          throw new Error('the ledger refuses it');
        }
        received.push(s);
      },
      ...quiet,
    });
    await eventually(() => consumer.stats().received === 12, 'all 12 records');
    await eventually(() => consumer.stats().deadLettered === 1, 'the dead letter');
    await consumer.stop();

    expect(tries).toBe(3);
    expect(chains.get('INV-2')).toContain(refused);
    expect(byEntity(received)).toEqual(
      new Map([...chains].map(([id, versions]) => [id, versions.filter((v) => v !== refused)])),
    );
    expect(consumer.stats()).toEqual({ received: 12, delivered: 11, dropped: 0, deadLettered: 1 });
    const [dead] = await readTopics(brokers, [`${prefix}.dead-letter`]);
    expect(dead).toMatchObject({
      key: 'INV-2',
      headers: { 'dlq-reason': 'handler failed 3 times: the ledger refuses it' },
    });
    expect(dead!.headers.versionId).toBe(refused);
  });
});
