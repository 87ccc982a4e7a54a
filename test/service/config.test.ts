import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../src/events/errors';
import { describeLog, loadConfig } from '../../src/service/config';
import { openLog } from '../../src/service/openService';
import { mutated, newId } from '../support/events';
import { tempDir } from '../support/tempDir';

describe('service configuration', () => {
  const dir = tempDir('config');
  afterAll(() => dir.remove());
  const file = (settings: unknown) => {
    const path = dir.file('driftless.json');
    writeFileSync(path, JSON.stringify(settings));
    return path;
  };

  it('reads a config file, resolving its relative paths against its own folder', () => {
    const config = loadConfig(
      {},
      { config: file({ log: 'sqlite:data/d.sqlite', entities: './types.js', worker: '1/3' }) },
    );
    expect(config).toEqual({
      log: { kind: 'sqlite', path: join(dir.path, 'data', 'd.sqlite') },
      state: join(dir.path, 'data', 'd.sqlite'),
      entities: join(dir.path, 'types.js'),
      worker: { index: 1, count: 3 },
      pollMs: 50,
    });
  });

  it('lets environment variables override the file, and flags override both', () => {
    const config = loadConfig(
      {
        DRIFTLESS_WORKER: '0/2',
        DRIFTLESS_POLL_MS: '5',
        DRIFTLESS_MAX_STALENESS: '3',
        DRIFTLESS_MAX_EVENT_BYTES: '4194304',
      },
      { config: file({ entities: '/abs/types.js', worker: '1/3' }), worker: '1/2' },
    );
    expect(config).toMatchObject({
      entities: '/abs/types.js',
      worker: { index: 1, count: 2 },
      pollMs: 5,
      maxStaleness: 3,
      maxEventBytes: 4_194_304,
    });
    expect(config.log).toEqual({ kind: 'sqlite', path: join(process.cwd(), 'driftless.sqlite') });
    expect(config.state).toBe(join(process.cwd(), 'driftless.sqlite'));
  });

  it('reports every wrong setting at once, by the name it was given under', () => {
    const attempt = () =>
      loadConfig(
        { DRIFTLESS_POLL_MS: 'soon', DRIFTLESS_LOG: 'esdb:/', DRIFTLESS_MAX_EVENT_BYTES: '0' },
        { worker: '3', config: file({ entities: 'x.js', maxStaleness: -1, colour: 'red' }) },
      );
    expect(attempt).toThrow(ValidationError);
    let issues: string[] = [];
    try {
      attempt();
    } catch (error) {
      issues = (error as ValidationError).issues.map((i) => i.message).sort();
    }
    expect(issues).toEqual([
      '--worker is invalid',
      'DRIFTLESS_LOG is invalid',
      'DRIFTLESS_MAX_EVENT_BYTES is invalid',
      'DRIFTLESS_POLL_MS is invalid',
      'maxStaleness is invalid',
      'unknown setting "colour"',
    ]);
  });

  it('names an unreadable config file', () => {
    expect(() => loadConfig({}, { config: dir.file('missing.json') })).toThrow(
      /at "\/config".*missing\.json/,
    );
    expect(() => loadConfig({}, { config: file([1]) })).toThrow(
      /at "\/config": holds an array, not an object of settings \(expected a readable JSON file holding an object/,
    );
    expect(() => loadConfig({}, { config: file(null) })).toThrow(/holds null, not an object/);
  });

  it('gives the log it opens the configured event size limit', async () => {
    const config = loadConfig(
      { DRIFTLESS_MAX_EVENT_BYTES: '2000' },
      { log: `sqlite:${dir.file('limit.sqlite')}`, entities: 'x.js' },
    );
    const log = await openLog(config);
    const fits = [mutated(newId(), 1)];
    await expect(log.append('s-fits', fits, { expectedRevision: 'any' })).resolves.toBeDefined();
    const big = [mutated(newId(), 1, [{ op: 'set', path: '/a', value: 'x'.repeat(3000) }])];
    await expect(log.append('s-big', big, { expectedRevision: 'any' })).rejects.toThrow(
      /event too large \(expected at most 2000 bytes/,
    );
    await log.close();
  });

  it('selects EventStoreDB by its connection string, with the projections in a state file', () => {
    const url = 'esdb://kurrentdb:2113?tls=false';
    const config = loadConfig({ DRIFTLESS_LOG: url, DRIFTLESS_ENTITIES: '/abs/types.js' });
    expect(config.log).toEqual({ kind: 'esdb', connectionString: url });
    expect(config.state).toBe(join(process.cwd(), 'driftless-state.sqlite'));
    const placed = loadConfig(
      {},
      { config: file({ log: url, state: 'cache/s.sqlite', entities: 'e.js' }) },
    );
    expect(placed.state).toBe(join(dir.path, 'cache', 's.sqlite'));
    expect(
      loadConfig({ DRIFTLESS_STATE: '/var/lib/d.sqlite' }, { log: url, entities: 'e.js' }).state,
    ).toBe('/var/lib/d.sqlite');
  });

  it('masks an EventStoreDB password when it describes the log', () => {
    const tls = 'esdb://admin:changeit@db.example:2113?tlsCAFile=/certs/ca.crt';
    const config = loadConfig({ DRIFTLESS_LOG: tls, DRIFTLESS_ENTITIES: 'e.js' });
    expect(describeLog(config.log)).toBe(
      'esdb://admin:***@db.example:2113?tlsCAFile=/certs/ca.crt',
    );
  });

  it('names both forms when the log is neither', () => {
    expect(() => loadConfig({ DRIFTLESS_LOG: 'postgres://x', DRIFTLESS_ENTITIES: 'e.js' })).toThrow(
      /expected sqlite:<path> .* or esdb:\/\/host:2113\?tls=false, received "postgres:\/\/x"/,
    );
  });

  it('publishes to Kafka when brokers are configured, with the delivery mode and topic settings', () => {
    const config = loadConfig(
      {
        DRIFTLESS_ENTITIES: '/abs/types.js',
        DRIFTLESS_KAFKA_BROKERS: 'k1:9092, k2:9092',
        DRIFTLESS_KAFKA_MODE: 'exactly-once',
        DRIFTLESS_KAFKA_QUARANTINE: 'true',
        DRIFTLESS_KAFKA_MAX_MESSAGE_BYTES: '4000000',
      },
      { config: file({ kafkaPrefix: 'acme', kafkaPartitions: 12, kafkaReplication: 3 }) },
    );
    expect(config.kafka).toEqual({
      brokers: ['k1:9092', 'k2:9092'],
      prefix: 'acme',
      mode: 'exactly-once',
      partitions: 12,
      replicationFactor: 3,
      quarantines: true,
      maxMessageBytes: 4_000_000,
    });
    expect(
      loadConfig({ DRIFTLESS_ENTITIES: 'x.js', DRIFTLESS_KAFKA_BROKERS: 'k:9092' }).kafka
        ?.maxMessageBytes,
    ).toBe(1_000_000);
    expect(loadConfig({ DRIFTLESS_ENTITIES: 'x.js' }).kafka).toBeUndefined();
  });

  it('names wrong Kafka settings, and Kafka settings without brokers', () => {
    const issues = (env: Record<string, string>) => {
      try {
        loadConfig({ DRIFTLESS_ENTITIES: 'x.js', ...env });
      } catch (error) {
        return (error as ValidationError).issues.map(
          (i) => `${i.message} (expected ${i.expected})`,
        );
      }
      return [];
    };
    expect(
      issues({
        DRIFTLESS_KAFKA_BROKERS: 'localhost',
        DRIFTLESS_KAFKA_MODE: 'twice',
        DRIFTLESS_KAFKA_PREFIX: 'a b',
      }),
    ).toEqual([
      'DRIFTLESS_KAFKA_BROKERS is invalid (expected host:port[,host:port...])',
      'DRIFTLESS_KAFKA_PREFIX is invalid (expected a topic prefix: a-z A-Z 0-9 . _ -)',
      'DRIFTLESS_KAFKA_MODE is invalid (expected at-least-once or exactly-once)',
    ]);
    expect(
      issues({ DRIFTLESS_KAFKA_BROKERS: 'k:9092', DRIFTLESS_KAFKA_MAX_MESSAGE_BYTES: '100' }),
    ).toEqual(['DRIFTLESS_KAFKA_MAX_MESSAGE_BYTES is invalid (expected at least 1024 bytes)']);
    expect(issues({ DRIFTLESS_KAFKA_MODE: 'exactly-once' })).toEqual([
      'DRIFTLESS_KAFKA_BROKERS is missing (kafkaMode is set) (expected host:port[,host:port...])',
    ]);
  });
});
