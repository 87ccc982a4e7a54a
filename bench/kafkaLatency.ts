import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { logLevel } from 'kafkajs';
import { createSqliteEventLog } from '../src/events/sqlite/sqliteEventLog';
import { openProjectionStore } from '../src/projections/projectionStore';
import type { ReceivedSnapshot } from '../src/publishers/kafka/acceptSnapshot';
import { createKafkaSink, type DeliveryMode } from '../src/publishers/kafka/kafkaSink';
import { createSnapshotConsumer } from '../src/publishers/kafka/snapshotConsumer';
import { createPublisher } from '../src/publishers/publisher';
import { createChainWriter } from '../test/support/kafka/versionChains';
import { invoiceDoc } from './kafkaData';

export const LATENCY_SECONDS = 10;
/** Paced promotions for the latency phase: this many entities get a version every 50 ms. */
export const LATENCY_ENTITIES = 50;
const BATCH = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const quiet = { logLevel: logLevel.NOTHING };

/**
 * Commit → consumer latency: versions appended at a steady pace while a publisher loop (what
 * `driftless serve` runs) publishes them and the consumer SDK receives them.
 */
export const latency = async (dir: string, brokers: string[], mode: DeliveryMode) => {
  const path = join(dir, `latency-${mode}.sqlite`);
  const appendedAt = new Map<string, number>();
  const writer = createChainWriter(path, LATENCY_ENTITIES, {
    doc: invoiceDoc,
    onAppend: (versionId) => appendedAt.set(versionId, performance.now()),
  });
  await writer.round();
  const prefix = `bench-latency-${mode}-${Date.now()}`;
  const sink = await createKafkaSink({ brokers, prefix, mode, entityTypes: ['invoice'], ...quiet });
  const log = createSqliteEventLog({ path, pollIntervalMs: 1 });
  const store = openProjectionStore(path);
  const publisher = createPublisher({ log, sink, store, name: prefix, batchSize: BATCH });
  let running = true;
  const publishing = (async () => {
    while (running) if ((await publisher.catchUp()) === 0) await sleep(1);
  })();
  const latencies: number[] = [];
  const consumer = await createSnapshotConsumer({
    brokers,
    prefix,
    groupId: `${prefix}-consumer`,
    entityTypes: ['invoice'],
    handler: (s: ReceivedSnapshot) => {
      const at = appendedAt.get(s.versionId);
      if (at !== undefined) latencies.push(performance.now() - at);
    },
    ...quiet,
  });
  await sleep(1000); // warm-up: the group joined, the first round published
  latencies.length = 0;
  const until = performance.now() + LATENCY_SECONDS * 1000;
  while (performance.now() < until) await Promise.all([writer.round(), sleep(50)]);
  await sleep(1000);
  running = false;
  await publishing;
  await consumer.stop();
  await sink.close();
  store.close();
  await log.close();
  await writer.close();
  const sorted = latencies.sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), samples: sorted.length };
};
