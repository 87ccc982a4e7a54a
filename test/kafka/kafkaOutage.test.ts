import { logLevel } from 'kafkajs';
import { DriftlessError } from '../../src/events/errors';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createKafkaSink, type DeliveryMode } from '../../src/publishers/kafka/kafkaSink';
import { createPublisher } from '../../src/publishers/publisher';
import { tempDir } from '../support/tempDir';
import { eventually, readTopics } from '../support/kafka/kafkaTestKit';
import { startLocalBroker } from '../support/kafka/localBroker';
import { createChainWriter } from '../support/kafka/versionChains';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What `driftless serve` does with its publisher: publish, and when a round fails on a
 * retriable error, wait and try again. Counts failed rounds and snapshots published, and
 * notes when the last round that found nothing left to publish began. (The count alone
 * cannot tell "caught up": a transaction the broker committed as it stopped fails on the
 * client, and the next start reads the checkpoint past it, so those are never counted.)
 */
const publishLoop = async (
  path: string,
  brokers: string,
  mode: DeliveryMode,
  stop: () => boolean,
) => {
  const log = createSqliteEventLog({ path, pollIntervalMs: 10 });
  const store = openProjectionStore(path);
  const sink = await createKafkaSink({
    brokers: [brokers],
    prefix: mode,
    mode,
    entityTypes: ['invoice'],
    retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 500 },
    timeoutMs: 15_000,
    logLevel: logLevel.NOTHING,
  });
  const publisher = createPublisher({ log, sink, store, name: mode, batchSize: 50 });
  const counts = { failedRounds: 0, published: 0, lastError: '', idleSince: 0 };
  const running = (async () => {
    while (!stop())
      try {
        const started = Date.now();
        const n = await publisher.catchUp();
        counts.published += n;
        if (n === 0) {
          counts.idleSince = started;
          await pause(50);
        }
      } catch (error) {
        if (!(error instanceof DriftlessError && error.retriable)) throw error;
        counts.failedRounds += 1;
        counts.lastError = error.message;
        await pause(200);
      }
    await sink.close();
    store.close();
    await log.close();
  })();
  return { counts, running };
};

describe('Kafka broker outage', () => {
  it('loses nothing when the broker stops for 10 s mid-run: the publishers catch up from the log once it is back', async () => {
    const dir = tempDir('kafka-outage');
    // Its own broker: this test stops it, which the run's shared broker must not suffer.
    const broker = await startLocalBroker(dir.file('broker'));
    let stopping = false;
    let writing = true;
    try {
      const path = dir.file('log.sqlite');
      const writer = createChainWriter(path, 10);
      await writer.round();
      const loops = await Promise.all(
        (['at-least-once', 'exactly-once'] as const).map((mode) =>
          publishLoop(path, broker.brokers, mode, () => stopping),
        ),
      );
      // Promotions go on the whole time: 10 versions every 100 ms.
      const writing$ = (async () => {
        while (writing) await writer.round().then(() => pause(100));
      })();
      await eventually(() => loops.every((l) => l.counts.published > 50), 'publishing under way');
      await broker.stop();
      const down = Date.now();
      await pause(10_000);
      const whileDown = loops.map((l) => ({ ...l.counts }));
      await broker.start();
      const outageMs = Date.now() - down;
      await pause(2_000);
      writing = false;
      await writing$;
      const written = Date.now();
      const total = [...writer.chains.values()].reduce((n, c) => n + c.length, 0);
      await eventually(
        () => loops.every((l) => l.counts.idleSince > written),
        () => `catching up to ${total}: ${JSON.stringify(loops.map((l) => l.counts))}`,
        60_000,
      );
      stopping = true;
      await Promise.all(loops.map((l) => l.running));

      expect(outageMs).toBeGreaterThanOrEqual(10_000);
      expect(whileDown.map((c) => c.failedRounds > 0)).toEqual([true, true]);
      for (const mode of ['at-least-once', 'exactly-once']) {
        const records = await readTopics([broker.brokers], [`${mode}.snapshots.invoice`]);
        const published = new Map<string, string[]>();
        for (const r of records) {
          const versions = published.get(r.key) ?? [];
          // A repeat (at-least-once, a batch whose acknowledgement was lost) directly follows itself.
          if (!versions.includes(r.headers.versionId!)) versions.push(r.headers.versionId!);
          published.set(r.key, versions);
        }
        expect([mode, published]).toEqual([mode, writer.chains]);
        if (mode === 'exactly-once') expect(records).toHaveLength(total);
      }
      await writer.close();
    } finally {
      // A failed expectation must not leave the loops running after the test.
      stopping = true;
      writing = false;
      await broker.stop();
    }
    dir.remove();
  }, 120_000);
});
