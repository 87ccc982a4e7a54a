// Child process of the Kafka crash and outage tests: publishes every promoted version of a
// SQLite log to Kafka through the publisher and the Kafka sink, in small batches, retrying
// rounds that failed on a retriable error, until nothing is left. The parent kills it with
// SIGKILL at random points and starts it again, or stops the broker under it.
import { logLevel } from 'kafkajs';
import { DriftlessError } from '../../../src/events/errors';
import { createSqliteEventLog } from '../../../src/events/sqlite/sqliteEventLog';
import { openProjectionStore } from '../../../src/projections/projectionStore';
import { createKafkaSink, type DeliveryMode } from '../../../src/publishers/kafka/kafkaSink';
import { createPublisher } from '../../../src/publishers/publisher';

const [path, brokers, prefix, mode, batchSize] = process.argv.slice(2);

const main = async () => {
  const log = createSqliteEventLog({ path: path! });
  const store = openProjectionStore(path!);
  const sink = await createKafkaSink({
    brokers: brokers!.split(','),
    prefix: prefix!,
    mode: mode as DeliveryMode,
    entityTypes: ['invoice'],
    topics: { partitions: 3 },
    retry: { retries: 5, initialRetryTime: 20, maxRetryTime: 500 },
    logLevel: logLevel.NOTHING,
  });
  const publisher = createPublisher({
    log,
    sink,
    store,
    name: 'kafka',
    batchSize: Number(batchSize),
  });
  process.stdout.write('ready\n');
  let retries = 0;
  for (;;)
    try {
      if ((await publisher.catchUp()) === 0) break;
    } catch (error) {
      if (!(error instanceof DriftlessError && error.retriable)) throw error;
      process.stdout.write(`retry ${++retries}: ${error.message}\n`);
      await new Promise((r) => setTimeout(r, 200));
    }
  await sink.close();
  store.close();
  await log.close();
  process.stdout.write(`done after ${retries} retries\n`);
};
main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
