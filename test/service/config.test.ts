import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../src/events/errors';
import { loadConfig } from '../../src/service/config';
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
      entities: join(dir.path, 'types.js'),
      worker: { index: 1, count: 3 },
      pollMs: 50,
    });
  });

  it('lets environment variables override the file, and flags override both', () => {
    const config = loadConfig(
      { DRIFTLESS_WORKER: '0/2', DRIFTLESS_POLL_MS: '5', DRIFTLESS_MAX_STALENESS: '3' },
      { config: file({ entities: '/abs/types.js', worker: '1/3' }), worker: '1/2' },
    );
    expect(config).toMatchObject({
      entities: '/abs/types.js',
      worker: { index: 1, count: 2 },
      pollMs: 5,
      maxStaleness: 3,
    });
    expect(config.log.path).toBe(join(process.cwd(), 'driftless.sqlite'));
  });

  it('reports every wrong setting at once, by the name it was given under', () => {
    const attempt = () =>
      loadConfig(
        { DRIFTLESS_POLL_MS: 'soon', DRIFTLESS_LOG: 'esdb:/' },
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
      'DRIFTLESS_POLL_MS is invalid',
      'maxStaleness is invalid',
      'unknown setting "colour"',
    ]);
  });

  it('names an unreadable config file', () => {
    expect(() => loadConfig({}, { config: dir.file('missing.json') })).toThrow(
      /at "\/config".*missing\.json/,
    );
  });

  it('publishes to Kafka when brokers are configured, with the delivery mode and topic settings', () => {
    const config = loadConfig(
      {
        DRIFTLESS_ENTITIES: '/abs/types.js',
        DRIFTLESS_KAFKA_BROKERS: 'k1:9092, k2:9092',
        DRIFTLESS_KAFKA_MODE: 'exactly-once',
        DRIFTLESS_KAFKA_QUARANTINE: 'true',
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
    });
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
    expect(issues({ DRIFTLESS_KAFKA_MODE: 'exactly-once' })).toEqual([
      'DRIFTLESS_KAFKA_BROKERS is missing (kafkaMode is set) (expected host:port[,host:port...])',
    ]);
  });
});
