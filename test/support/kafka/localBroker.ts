import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { brokerJars, KAFKA_VERSION } from './brokerJars';

/** One Apache Kafka node (broker and KRaft controller) on 127.0.0.1, run from its jars. */
export interface LocalBroker {
  /** `127.0.0.1:<port>`, for `brokers: [...]`. */
  brokers: string;
  /** Data, configuration and `server.log`, kept for diagnosis. */
  dir: string;
  logFile: string;
  /** Stops the broker (SIGTERM, a controlled shutdown); resolves when the JVM exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves when it serves requests. */
  start(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port assigned')),
      );
    });
  });

/** Single node: replication factors and min ISR of the internal topics are 1. */
const serverProperties = (dir: string, port: number, controllerPort: number) =>
  `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${join(dir, 'data')}
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
`;

const log4jProperties = (logFile: string) =>
  `log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${logFile}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
`;

const tail = (file: string, lines = 30) =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n') : '';

const java = (jars: string, dir: string) => [
  '-Xms256m',
  '-Xmx1g',
  '-XX:+UseG1GC',
  '-Djava.awt.headless=true',
  `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
  '-cp',
  join(jars, '*'),
];

/**
 * The JVM runs under a small shell that kills it when its stdin closes, so a broker never
 * outlives the test run that started it, even one killed with SIGKILL.
 */
const WATCHDOG =
  'exec 3<&0; "$@" </dev/null & pid=$!; (read -r _ <&3; kill -TERM $pid 2>/dev/null) & wait $pid';

/**
 * Starts a local Apache Kafka broker in `dir` on a free port: resolves its jars with Maven if
 * needed, formats KRaft storage, starts it and waits until it serves (at most `timeoutMs`).
 */
export const startLocalBroker = async (dir: string, timeoutMs = 90_000): Promise<LocalBroker> => {
  const jars = brokerJars();
  mkdirSync(dir, { recursive: true });
  const [port, controllerPort] = [await freePort(), await freePort()];
  const config = join(dir, 'server.properties');
  const logFile = join(dir, 'server.log');
  writeFileSync(config, serverProperties(dir, port, controllerPort));
  writeFileSync(join(dir, 'log4j.properties'), log4jProperties(logFile));
  // A base64url UUID, as Kafka makes them: never starting with '-' (it would read as an option).
  const clusterId = `A${randomBytes(16).toString('base64url').slice(1)}`;
  const format = spawnSync(
    'java',
    [...java(jars, dir), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (format.status !== 0)
    throw new Error(
      `formatting KRaft storage in ${dir} failed (${format.error?.message ?? `exit ${String(format.status)}`}): ${format.stdout}${format.stderr}`,
    );
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const broker: LocalBroker = {
    brokers: `127.0.0.1:${port}`,
    dir,
    logFile,
    start: async () => {
      const started = tail(logFile, Infinity).split('\n').length;
      const jvm = spawn(
        'bash',
        ['-c', WATCHDOG, 'broker', 'java', ...java(jars, dir), 'kafka.Kafka', config],
        {
          stdio: ['pipe', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      jvm.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      // A broker left running must not keep the test run alive; the watchdog ends it with us.
      jvm.unref();
      (jvm.stdin as unknown as Socket).unref();
      (jvm.stderr as unknown as Socket).unref();
      let code: number | null | undefined;
      exited = new Promise((resolve) => jvm.once('exit', (c) => ((code = c), resolve())));
      child = jvm;
      await waitUntilServing(logFile, started, timeoutMs, () =>
        code === undefined ? undefined : `the JVM exited with ${String(code)}: ${stderr}`,
      );
    },
    stop: async () => {
      child?.ref(); // until the JVM is gone: nothing else may be keeping this process alive
      child?.stdin?.end();
      await exited;
      child = undefined;
    },
  };
  await broker.start();
  return broker;
};

/** Waits for the line the broker logs once it serves, after line `from` of its log. */
const waitUntilServing = async (
  logFile: string,
  from: number,
  timeoutMs: number,
  died: () => string | undefined,
) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = tail(logFile, Infinity).split('\n').slice(from);
    if (lines.some((l) => l.includes('Kafka Server started'))) return;
    const death = died();
    if (death !== undefined || Date.now() > deadline)
      throw new Error(
        `the local Kafka ${KAFKA_VERSION} broker did not start (${death ?? `not serving after ${timeoutMs} ms`}); last lines of ${logFile}:\n${tail(logFile)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
};
