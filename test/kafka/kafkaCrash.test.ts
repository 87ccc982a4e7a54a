import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import type { ReceivedSnapshot } from '../../src/publishers/kafka/acceptSnapshot';
import type { DeliveryMode } from '../../src/publishers/kafka/kafkaSink';
import { createSnapshotConsumer } from '../../src/publishers/kafka/snapshotConsumer';
import { TSX } from '../support/childProcess';
import { tempDir } from '../support/tempDir';
import {
  eventually,
  quietKafka,
  readTopics,
  testBrokers,
  uniquePrefix,
} from '../support/kafka/kafkaTestKit';
import { writeVersionChains, type Chains } from '../support/kafka/versionChains';

const brokers = testBrokers();
const KILLS = 10;
const BATCH = 10;

/**
 * Runs the sink worker. With `progressed`, kills it with SIGKILL a random 0-40 ms after the
 * topic first grew (so the kill lands mid-stream), unless it finishes first: on a fast host
 * ten kills at 0-80 ms let at-least-once publish 40-60% of the stream before the last one.
 */
const runSink = (
  path: string,
  prefix: string,
  mode: DeliveryMode,
  progressed?: () => Promise<boolean>,
) =>
  new Promise<'finished' | 'killed'>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...TSX,
        join(__dirname, '../support/kafka/sinkWorker.ts'),
        path,
        brokers.join(','),
        prefix,
        mode,
        String(BATCH),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    let watching = progressed !== undefined;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const killMidStream = async () => {
      while (watching && !(await progressed!())) await new Promise((r) => setTimeout(r, 20));
      if (watching) setTimeout(() => child.kill('SIGKILL'), Math.random() * 40);
    };
    child.stdout.once('data', () => void killMidStream());
    child.on('exit', (code, signal) => {
      watching = false;
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`sink worker exited ${String(code)}: ${err}`));
    });
  });

/** Whether the topic's end moved since the last call. */
const growth = async (topic: string) => {
  const admin = quietKafka(brokers).admin();
  await admin.connect();
  let last = 0n;
  return {
    grew: async () => {
      const end = (await admin.fetchTopicOffsets(topic)).reduce(
        (sum, o) => sum + BigInt(o.high),
        0n,
      );
      const grew = end > last;
      last = end;
      return grew;
    },
    close: () => admin.disconnect(),
  };
};

/** What the consumer SDK hands over, per entity, and how many records it dropped. */
const consume = async (prefix: string, total: number) => {
  const received: ReceivedSnapshot[] = [];
  const consumer = await createSnapshotConsumer({
    brokers,
    prefix,
    groupId: `g-${prefix}`,
    entityTypes: ['invoice'],
    handler: (s) => void received.push(s),
    logLevel: logLevel.NOTHING,
  });
  await eventually(() => received.length >= total, `${total} snapshots`);
  await new Promise((r) => setTimeout(r, 300));
  await consumer.stop();
  const byEntity: Chains = new Map();
  for (const s of received)
    byEntity.set(s.entity.id, [...(byEntity.get(s.entity.id) ?? []), s.versionId]);
  return { byEntity, stats: consumer.stats() };
};

describe('Kafka sink crash safety', () => {
  const dir = tempDir('kafka-crash');
  afterAll(() => dir.remove());
  let chains: Chains;
  let total = 0;
  beforeAll(async () => {
    chains = await writeVersionChains(dir.file('chains.sqlite'), 40, 50);
    total = [...chains.values()].reduce((n, c) => n + c.length, 0);
  });

  const crashRuns = async (mode: DeliveryMode) => {
    const path = dir.file(`${mode}.sqlite`);
    copyFileSync(dir.file('chains.sqlite'), path);
    const prefix = uniquePrefix(mode);
    const topic = `${prefix}.snapshots.invoice`;
    const watch = await growth(topic);
    let kills = 0;
    while (kills < KILLS && (await runSink(path, prefix, mode, watch.grew)) === 'killed')
      kills += 1;
    await watch.close();
    expect(await runSink(path, prefix, mode)).toBe('finished');
    expect(kills).toBe(KILLS);
    return { prefix, topic, records: await readTopics(brokers, [topic]) };
  };

  it(`exactly-once: ${KILLS} kill -9 mid-stream, and a read_committed consumer sees every version once, in entity order`, async () => {
    const { prefix, records } = await crashRuns('exactly-once');
    const ids = records.map((r) => r.headers.versionId);
    expect(new Set(ids).size).toBe(total);
    expect(ids).toHaveLength(total);
    const { byEntity, stats } = await consume(prefix, total);
    expect(byEntity).toEqual(chains);
    expect(stats).toEqual({ received: total, delivered: total, dropped: 0, deadLettered: 0 });
  }, 120_000);

  it(`at-least-once: ${KILLS} kill -9 mid-stream give repeats only of batches cut by a kill, and the SDK removes them`, async () => {
    const { prefix, records } = await crashRuns('at-least-once');
    const ids = records.map((r) => r.headers.versionId);
    const repeats = ids.length - new Set(ids).size;
    expect(new Set(ids).size).toBe(total);
    expect(repeats).toBeGreaterThan(0);
    expect(repeats).toBeLessThanOrEqual(KILLS * BATCH);
    const { byEntity, stats } = await consume(prefix, total);
    expect(byEntity).toEqual(chains);
    expect(stats).toEqual({
      received: ids.length,
      delivered: total,
      dropped: repeats,
      deadLettered: 0,
    });
  }, 120_000);
});
